/** Bundles the browser code into web/dist; resolves to lines naming each piece and its size (gzipped too). */
export function buildWeb(): Promise<string[]>;
/** A page outgrew its size budget; the build fails. */
export class BudgetError extends Error {}
