import { mrkdwn } from './limits.js';

export function helpMessage(command = '/meet') {
  const text = [
    `*${command}* books a video meeting with free times for everyone in it.`,
    `• \`${command}\` opens the booking form: pick a meeting type, the people, a day and a free time.`,
    `• \`${command} @ana @ben 30m\` opens it already filled in with those people and that length.`,
    `• \`${command} list\` shows your upcoming meetings.`,
    `• \`${command} availability\` edits your working hours, time zone, days off and how many meetings a day you take.`,
    `• \`${command} help\` shows this.`,
    'The meeting is posted where you typed the command, with a *Join video call* button that gives each person their own link. Everyone also gets a direct message with their link, and a reminder 10 minutes before.',
  ].join('\n');
  return { text: `${command} books video meetings. Try ${command} @someone 30m`, blocks: [{ type: 'section', block_id: 'help', text: mrkdwn(text) }] };
}
