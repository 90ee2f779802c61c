/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { jsxRenderer } from 'hono/jsx-renderer';
import type { EmbedFrameData } from './embed-mode.js';

/** Bumped when the page assets change shape, so a cached script never meets new HTML. */
export const PUBLIC_ASSET_VERSION = '1';

export interface PublicPageProps {
  title: string;
  /** The page's own script (web/dist/<name>.js), if it has one. */
  script?: 'booking' | 'manage';
  /** Inside another site's page (embed.js): no page background or margins, and what the frame tells its parent. */
  embed?: EmbedFrameData;
}

declare module 'hono' {
  interface ContextRenderer {
    (content: string | Promise<string>, props: PublicPageProps): Response | Promise<Response>;
  }
}

/** The one layout of the public pages: the compiled Tailwind sheet, the page's script, a main landmark. */
export function publicRenderer() {
  return jsxRenderer(({ children, title, script, embed }: { children?: Child } & PublicPageProps) => (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{title}</title>
        <link rel="icon" href={`/assets/favicon.svg?v=${PUBLIC_ASSET_VERSION}`} type="image/svg+xml" />
        <link rel="stylesheet" href={`/assets/booking.css?v=${PUBLIC_ASSET_VERSION}`} />
        {script ? <script src={`/assets/${script}.js?v=${PUBLIC_ASSET_VERSION}`} defer /> : null}
      </head>
      {embed ? (
        // Its height is its content's (the frame grows with it): nothing here may depend on the viewport's height.
        <body class="bg-transparent text-slate-900 antialiased">
          <main class="w-full p-1 sm:p-2">{children}</main>
          <script type="application/json" id="embed-data" dangerouslySetInnerHTML={{ __html: JSON.stringify(embed).replace(/</g, '\\u003c') }} />
        </body>
      ) : (
        <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
          <main class="mx-auto w-full max-w-5xl px-3 py-4 sm:px-6 sm:py-8">{children}</main>
        </body>
      )}
    </html>
  ));
}

/** A page that says what went wrong and what to do, with nothing else on it. */
export function NoticePage(props: { heading: string; message: string; action?: { href: string; label: string } }) {
  return (
    <section class="mx-auto max-w-xl rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8" aria-labelledby="notice-heading">
      <h1 id="notice-heading" class="text-2xl font-semibold text-slate-900">
        {props.heading}
      </h1>
      <p class="mt-3 text-slate-700">{props.message}</p>
      {props.action ? (
        <p class="mt-6">
          <a class="inline-flex items-center rounded-lg bg-indigo-700 px-4 py-2 font-medium text-white hover:bg-indigo-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700" href={props.action.href}>
            {props.action.label}
          </a>
        </p>
      ) : null}
    </section>
  );
}
