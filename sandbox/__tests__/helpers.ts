import { DEFAULT_SANDBOX_TOKEN } from '..'

export interface ApiAnswer {
  status: number
  headers: Headers
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

/** One real HTTP request to the sandbox (Node's fetch to 127.0.0.1). `token: null` sends no Authorization. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = DEFAULT_SANDBOX_TOKEN
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {}
  if (token !== null) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(baseUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined }
}
