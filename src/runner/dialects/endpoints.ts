// Where each dialect's requests go, from the base URL a user writes: as the official SDKs take
// it, its query kept (Azure's ?api-version=…), forgiving about a path already written out.

function withPath(baseUrl: string, path: (current: string) => string): URL {
  const url = new URL(baseUrl);
  url.pathname = path(url.pathname.replace(/\/+$/, ''));
  return url;
}

/**
 * OpenAI's SDKs: the base as given plus `/chat/completions` (https://api.openai.com/v1,
 * Gemini's …/v1beta/openai). A bare origin gets `/v1` first, where vLLM, Ollama and TGI serve
 * it; a base that already ends in `/chat/completions` is used as it is.
 */
export function completionsUrl(baseUrl: string): URL {
  return withPath(baseUrl, (p) => (/\/chat\/completions$/.test(p) ? p : `${p === '' ? '/v1' : p}/chat/completions`));
}

/** The Responses API: the same base as chat completions, plus `/responses`. */
export function responsesUrl(baseUrl: string): URL {
  return withPath(baseUrl, (p) => (/\/responses$/.test(p) ? p : `${p === '' ? '/v1' : p}/responses`));
}

/** Anthropic's SDK takes the origin (https://api.anthropic.com) and adds `/v1/messages`; a base
 * written with `/v1` or the whole path works too. */
export function messagesUrl(baseUrl: string): URL {
  return withPath(baseUrl, (p) => (/\/messages$/.test(p) ? p : /\/v1$/.test(p) ? `${p}/messages` : `${p}/v1/messages`));
}

/**
 * Gemini's Generative Language API: `{base}/models/{model}:streamGenerateContent?alt=sse` (or
 * `:generateContent`). The base includes the API version (…/v1beta); a bare origin gets
 * `/v1beta`. A model written as a resource name (`models/…`, `tunedModels/…`) is used as it is.
 */
export function geminiUrl(baseUrl: string, model: string, stream: boolean): URL {
  const resource = model.includes('/') ? model : `models/${model}`;
  const url = withPath(baseUrl, (p) => `${p === '' ? '/v1beta' : p}/${resource}:${stream ? 'streamGenerateContent' : 'generateContent'}`);
  if (stream) url.searchParams.set('alt', 'sse');
  return url;
}
