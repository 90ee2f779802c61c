/** Bundles the call page into web/dist; resolves to a line naming what it wrote. */
export function buildWeb(): Promise<string>;
