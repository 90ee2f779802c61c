/** Where the meetings API is mounted (routes build Location headers from it). */
export const MEETINGS_API_BASE = '/api/meetings';
