import { HONEYPOT_FIELD, bookingFormSchema, fieldErrors, type FormSettings } from '../../../src/core/bookings/public-form.js';
import { byId } from './dom.js';

/**
 * The booking form: checked in the page by the same schema the server uses, each error next to
 * its field (aria-invalid, aria-describedby), the first wrong field focused.
 */
export class BookingFormFields {
  private readonly form = byId<HTMLFormElement>('booking-form');
  private readonly schema;

  constructor(private readonly settings: FormSettings) {
    this.schema = bookingFormSchema(settings);
    // A field already marked wrong is checked again as soon as the visitor leaves it.
    this.form.addEventListener('focusout', (e) => {
      const target = e.target as HTMLInputElement;
      if (target.getAttribute('aria-invalid') !== 'true') return;
      const errors = this.check();
      this.showOne(target.name, errors?.[target.name]);
    });
  }

  values(): { name: string; email: string; notes?: string; answers: Record<string, string> } {
    const value = (name: string) => (this.form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
    const answers: Record<string, string> = {};
    for (const q of this.settings.questions) answers[q.id] = value(`answers.${q.id}`);
    return { name: value('name'), email: value('email'), ...(this.settings.askNotes ? { notes: value('notes') } : {}), answers };
  }

  honeypot(): string {
    return (this.form.elements.namedItem(HONEYPOT_FIELD) as HTMLInputElement | null)?.value ?? '';
  }

  /** The errors of the form as filled in, or undefined when it is right. */
  check(): Record<string, string> | undefined {
    const result = this.schema.safeParse(this.values());
    return result.success ? undefined : fieldErrors(result.error.issues);
  }

  /** Shows each error next to its field and focuses the first; clears the others. */
  showErrors(errors: Record<string, string>): void {
    let first: HTMLElement | undefined;
    for (const output of this.form.querySelectorAll<HTMLElement>('[data-error-for]')) {
      const name = output.dataset.errorFor!;
      this.showOne(name, errors[name]);
      if (errors[name] && !first) first = this.form.elements.namedItem(name) as HTMLElement;
    }
    first?.focus();
  }

  clearErrors(): void {
    this.showErrors({});
  }

  focusFirst(): void {
    (this.form.querySelector<HTMLElement>('input:not([tabindex="-1"]), textarea') ?? byId('submit')).focus();
  }

  private showOne(name: string, message: string | undefined): void {
    const input = this.form.elements.namedItem(name) as HTMLInputElement | null;
    const output = this.form.querySelector<HTMLElement>(`[data-error-for="${name}"]`);
    if (output) output.textContent = message ?? '';
    if (input) {
      if (message) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  }
}
