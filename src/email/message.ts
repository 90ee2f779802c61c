/** One email, as the builders make it and the transport sends it. */
export interface OutgoingEmail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** Where a reply goes (the organizer, when we know their address). */
  replyTo?: { name: string; address: string };
  /**
   * An iCalendar invitation: sent as a `text/calendar; method=…` alternative (what makes mail
   * apps show "Add to calendar" / "Yes, No, Maybe") and as an `invite.ics` attachment.
   */
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Text with its line breaks kept, for HTML. */
export function htmlLines(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

export interface HtmlSection {
  /** A heading above the section (plain text). */
  heading?: string;
  /** Already-escaped HTML. */
  body: string;
}

/**
 * The HTML frame every guest email shares: one column, system fonts, inline styles (mail apps
 * drop style sheets), a hidden preheader (the line inboxes show after the subject).
 */
export function htmlEmail(input: { title: string; preheader: string; intro: string; sections: HtmlSection[]; footer: string }): string {
  const sections = input.sections
    .map(
      (s) =>
        `<tr><td style="padding:12px 24px">${s.heading ? `<h2 style="margin:0 0 6px;font-size:15px;color:#1d1c1d">${escapeHtml(s.heading)}</h2>` : ''}${s.body}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(input.title)}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1d1c1d;line-height:1.5">
<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(input.preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f5;padding:24px 0">
<tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px">
<tr><td style="padding:24px 24px 8px"><h1 style="margin:0;font-size:20px">${escapeHtml(input.title)}</h1></td></tr>
<tr><td style="padding:0 24px 8px">${input.intro}</td></tr>
${sections}
<tr><td style="padding:16px 24px 24px;font-size:12px;color:#616061">${input.footer}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

/** A link styled as a button, with the address written under it for mail apps that strip styles. */
export function htmlButton(label: string, url: string): string {
  return `<a href="${escapeHtml(url)}" style="display:inline-block;background:#1264a3;color:#ffffff;text-decoration:none;font-weight:600;padding:10px 18px;border-radius:6px">${escapeHtml(label)}</a>`;
}

export function htmlLink(label: string, url: string): string {
  return `<a href="${escapeHtml(url)}" style="color:#1264a3">${escapeHtml(label)}</a>`;
}
