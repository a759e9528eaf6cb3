import type { ChatCompletionRequest, ChatMessage, EmbeddingRequest, ImageGenerationRequest, RequestBody, RequestKind, Role } from '@switchyard/plugin-kit';
import type { Pseudonymizer } from './pseudonymizer';

function redactContent<C extends ChatMessage['content']>(content: C, p: Pseudonymizer): C {
  if (typeof content === 'string') return p.redact(content) as C;
  if (!Array.isArray(content)) return content;
  return content.map((part) => (part.type === 'text' ? { ...part, text: p.redact(part.text) } : part)) as C;
}

function redactChat(body: ChatCompletionRequest, roles: ReadonlySet<Role>, p: Pseudonymizer): ChatCompletionRequest {
  const messages = body.messages.map((m) => (roles.has(m.role) ? ({ ...m, content: redactContent(m.content, p) } as ChatMessage) : m));
  return { ...body, messages };
}

function redactEmbeddings(body: EmbeddingRequest, p: Pseudonymizer): EmbeddingRequest {
  const input = body.input;
  if (typeof input === 'string') return { ...body, input: p.redact(input) };
  // Token arrays are left as they are: there is no text to look at.
  if (Array.isArray(input) && input.every((x) => typeof x === 'string')) return { ...body, input: (input as string[]).map((s) => p.redact(s)) };
  return body;
}

/** A copy of the request with personal data replaced; the original is never changed. */
export function redactRequest(kind: RequestKind, body: RequestBody, roles: ReadonlySet<Role>, p: Pseudonymizer): RequestBody {
  if (kind === 'chat') return redactChat(body as ChatCompletionRequest, roles, p);
  if (kind === 'embeddings') return redactEmbeddings(body as EmbeddingRequest, p);
  const image = body as ImageGenerationRequest;
  return { ...image, prompt: p.redact(image.prompt) };
}
