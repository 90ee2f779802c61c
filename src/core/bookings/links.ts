import { z } from 'zod';
import { text } from '../input.js';
import { personIdSchema } from './schemas.js';

/** A booking link's settings, as the API and the Slack modal take them. */

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const SLUG_MAX = 60;
export const MAX_QUESTIONS = 5;
export const LINK_MODES = ['one', 'all', 'any'] as const;
export type LinkMode = (typeof LINK_MODES)[number];

export const slugSchema = text()
  .trim()
  .toLowerCase()
  .min(1, 'must not be empty')
  .max(SLUG_MAX, `at most ${SLUG_MAX} characters`)
  .regex(SLUG_PATTERN, 'use lowercase letters, digits and single hyphens, such as "intro-call"');

export const slackChannelIdSchema = text().regex(/^[CG][A-Z0-9]{2,40}$/, 'must be a Slack channel id such as C0123ABCD');

export const linkQuestionSchema = z.object({
  id: text().regex(/^[a-z0-9]{1,12}$/, 'must be 1 to 12 lowercase letters or digits').optional(),
  label: text().trim().min(1, 'a question needs words').max(200),
  required: z.boolean().default(false),
  multiline: z.boolean().default(false),
});

const linkFields = {
  slug: slugSchema,
  meetingTypeId: z.uuid('must be a meeting type id'),
  title: text().trim().min(1).max(120).nullable().default(null),
  description: text().trim().max(1000).nullable().default(null),
  mode: z.enum(LINK_MODES),
  hostIds: z.array(personIdSchema).min(1, 'name at least one host').max(20, 'at most 20 hosts'),
  askNotes: z.boolean().default(true),
  questions: z.array(linkQuestionSchema).max(MAX_QUESTIONS, `at most ${MAX_QUESTIONS} questions of your own`).default([]),
  slackChannelId: slackChannelIdSchema.nullable().default(null),
  active: z.boolean().default(true),
};

function checkHosts(link: { mode: LinkMode; hostIds: string[] }, ctx: z.RefinementCtx): void {
  if (link.mode === 'one' && link.hostIds.length !== 1) ctx.addIssue({ code: 'custom', path: ['hostIds'], message: 'a link for one person names exactly one host' });
  if (new Set(link.hostIds).size !== link.hostIds.length) ctx.addIssue({ code: 'custom', path: ['hostIds'], message: 'a host is named twice' });
}

export const bookingLinkFieldsSchema = z.object(linkFields).superRefine(checkHosts);
export type BookingLinkFields = z.output<typeof bookingLinkFieldsSchema>;
export type BookingLinkInput = z.input<typeof bookingLinkFieldsSchema>;

/** A readable slug from a name: "Intro call (30 min)" → "intro-call-30-min". */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '');
  return slug || 'meeting';
}

/**
 * Custom questions as typed in Slack's modal: one per line, a trailing "*" makes it required;
 * "(long)" anywhere asks for a few lines rather than one.
 */
export function parseQuestionLines(textValue: string): z.input<typeof linkQuestionSchema>[] {
  return textValue
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const required = line.endsWith('*');
      let label = required ? line.slice(0, -1).trim() : line;
      const multiline = /\(long\)/i.test(label);
      label = label.replace(/\s*\(long\)\s*/i, ' ').trim();
      return { label, required, multiline };
    });
}

/** The inverse of parseQuestionLines, to fill the modal again. */
export function questionLines(questions: { label: string; required: boolean; multiline: boolean }[]): string {
  return questions.map((q) => `${q.label}${q.multiline ? ' (long)' : ''}${q.required ? ' *' : ''}`).join('\n');
}
