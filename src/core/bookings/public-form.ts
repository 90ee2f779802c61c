import * as z from 'zod/mini';

/**
 * What a visitor fills in on a booking page, checked by the same schema in the page (this module
 * is bundled into its script: zod/mini, a few kB) and on the server. Every string is NUL-free and
 * bounded, as at every other boundary.
 */

export const GUEST_NAME_MAX = 200;
export const GUEST_EMAIL_MAX = 320;
export const NOTES_MAX = 3000;
export const ANSWER_MAX = 1000;
/** The honeypot field: hidden from people, filled in by form bots. */
export const HONEYPOT_FIELD = 'website';

const NUL_FREE = /^[^\u0000]*$/;
const NUL_MESSAGE = 'must not contain the NUL character';

export interface FormQuestion {
  id: string;
  label: string;
  required: boolean;
  multiline: boolean;
}

export interface FormSettings {
  askNotes: boolean;
  questions: FormQuestion[];
}

function bounded(max: number, what: string, missing = 'Please fill this in') {
  return z.string({ error: missing }).check(z.regex(NUL_FREE, NUL_MESSAGE), z.trim(), z.maxLength(max, `Keep ${what} under ${max + 1} characters`));
}

/** The form's schema for one link's questions: name and email always, notes when asked, the link's own questions. */
export function bookingFormSchema(settings: FormSettings) {
  const answers: Record<string, z.ZodMiniType<string | undefined>> = {};
  for (const q of settings.questions) {
    const field = bounded(ANSWER_MAX, 'the answer', 'Please answer this question');
    answers[q.id] = q.required ? field.check(z.minLength(1, 'Please answer this question')) : z.optional(field);
  }
  return z.object({
    name: bounded(GUEST_NAME_MAX, 'your name', 'Please enter your name').check(z.minLength(1, 'Please enter your name')),
    email: z
      .string({ error: 'Please enter your email address' })
      .check(z.trim(), z.minLength(1, 'Please enter your email address'), z.maxLength(GUEST_EMAIL_MAX, 'This email address is too long'), z.email('Enter an email address such as name@example.com')),
    notes: settings.askNotes ? z.optional(bounded(NOTES_MAX, 'the notes')) : z.optional(z.string().check(z.maxLength(0, 'This page does not take notes'))),
    answers: z.object(answers, { error: 'Please answer the questions' }),
  });
}

export type BookingForm = z.output<ReturnType<typeof bookingFormSchema>>;

/** Field errors keyed as the form names its fields ("name", "email", "notes", "answers.<id>"): the first message for each. */
export function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || 'form';
    errors[key] ??= issue.message;
  }
  return errors;
}
