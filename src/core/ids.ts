const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a uuid: ids that are not are unknown without asking the database (which would reject the cast). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
