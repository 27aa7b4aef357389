// The AI model registry (issue 20) from the node's public routes, and the patient's "AI and my data".
// The browser checks a version's model card itself: it recomputes the card's hash from the
// DocumentReference the node serves and compares it with the hash the chain committed.
import { cardHash, type ModelCard } from '../../../src/app/ai/model-card.ts';
import type {
  ModelLineageAnswer,
  ModelsAnswer,
  ModelVersionAnswer,
  MyAiAnswer,
} from '../../../src/contract/ai.ts';
import { request } from './http.ts';

export const aiModels = () => request<ModelsAnswer>('/api/v1/ai/models');
export const aiLineage = (modelId: string) => request<ModelLineageAnswer>(`/api/v1/ai/models/${modelId}`);
export const aiVersion = (modelId: string, version: number) =>
  request<ModelVersionAnswer>(`/api/v1/ai/models/${modelId}/versions/${version}`);
export const myAi = (token: string) => request<MyAiAnswer>('/api/v1/patients/me/ai', { token });

/** The card a DocumentReference carries as its base64 JSON attachment, or undefined. */
export function cardOf(document: unknown): ModelCard | undefined {
  const data = (document as { content?: { attachment?: { data?: unknown } }[] } | null)?.content?.[0]
    ?.attachment?.data;
  if (typeof data !== 'string') return undefined;
  try {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as ModelCard;
  } catch {
    return undefined;
  }
}

/** Whether the card served hashes to what the chain holds (checked here, not taken from the node). */
export function cardMatchesChain(card: ModelCard, version: ModelVersionAnswer): boolean {
  return cardHash(card) === version.record.cardHash;
}
