/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { jsxRenderer } from 'hono/jsx-renderer';

declare module 'hono' {
  interface ContextRenderer {
    (content: string | Promise<string>, props: { title: string }): Response | Promise<Response>;
  }
}

const styles = `
:root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; }
body { margin: 0; background: Canvas; color: CanvasText; }
header, main, footer { max-width: 44rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.5rem; }
header a { color: inherit; font-weight: 600; text-decoration: none; }
h1 { font-size: 1.75rem; margin: 1rem 0 0.5rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
a { color: LinkText; }
nav ul { list-style: none; padding: 0; display: grid; gap: 0.75rem; }
nav li a { font-weight: 600; }
nav li p { margin: 0.1rem 0 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9em; }
pre { overflow-x: auto; padding: 1rem; border: 1px solid GrayText; border-radius: 6px; }
.note { border-left: 4px solid #b45309; padding: 0.25rem 0.75rem; }
footer { margin-top: 3rem; padding-bottom: 2rem; border-top: 1px solid GrayText; font-size: 0.9rem; }
`;

/** The layout of the server's own pages (home, Slack set-up): c.render(<Page />, { title }). */
export function pagesRenderer() {
  return jsxRenderer(({ children, title }: { children?: Child; title: string }) => (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Meetings for Slack`}</title>
        <style dangerouslySetInnerHTML={{ __html: styles }} />
      </head>
      <body>
        <header>
          <a href="/">Meetings for Slack</a>
        </header>
        <main>{children}</main>
        <footer>
          <p>Meetings for Slack: book video meetings without leaving Slack.</p>
        </footer>
      </body>
    </html>
  ));
}
