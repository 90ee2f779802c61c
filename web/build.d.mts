/** Bundles the call page into web/dist; resolves to lines naming each piece and its size (gzipped too). */
export function buildWeb(): Promise<string[]>;
