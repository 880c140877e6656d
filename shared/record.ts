/** An object that is not a list: what a JSON object, traits or settings arrive as. null and lists are not. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
