/** What kind of value a value is: the checks the mapping core and the settings share. */

/** An object that is not a list: what a JSON object, traits or settings arrive as. null and lists are not. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** 'object' for plain data (any object tagged Object, class instances too), 'array', else the type's name. */
export function typeName(value: unknown): string {
  if (typeof value !== 'object') return typeof value
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  const proto: unknown = Object.getPrototypeOf(value)
  // The tag, not instanceof: a Date from another frame is a Date too.
  const tag =
    proto === Object.prototype || proto === null ? 'Object' : Object.prototype.toString.call(value).slice(8, -1)
  return tag === 'Object' ? 'object' : tag
}
