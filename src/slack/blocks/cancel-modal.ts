import { LIMITS, escapeMrkdwn, mrkdwn, plain } from './limits.js';
import { slackWhen } from './format.js';

export const CANCEL_CALLBACK = 'cancel_meeting';
export const CancelIds = { reasonBlock: 'reason', reasonAction: 'reason' } as const;

/** Confirms a cancellation and asks for a reason. */
export function cancelModal(input: { title: string; startsAt: Date; endsAt: Date; privateMetadata: string }) {
  return {
    type: 'modal' as const,
    callback_id: CANCEL_CALLBACK,
    private_metadata: input.privateMetadata,
    title: plain('Cancel meeting', LIMITS.modalTitle),
    submit: plain('Cancel meeting', LIMITS.modalButton),
    close: plain('Keep it', LIMITS.modalButton),
    blocks: [
      {
        type: 'section',
        block_id: 'confirm',
        text: mrkdwn(`Cancel *${escapeMrkdwn(input.title)}* on ${slackWhen(input.startsAt, input.endsAt)}? Everyone in it will be told.`),
      },
      {
        type: 'input',
        block_id: CancelIds.reasonBlock,
        optional: true,
        label: plain('Reason'),
        element: { type: 'plain_text_input', action_id: CancelIds.reasonAction, multiline: true, max_length: 500, placeholder: plain('Tell the others why') },
      },
    ],
  };
}
