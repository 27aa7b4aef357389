// The HL7 message log's client (issue 21 §6), for the web app, the CLI and tests: a custodian node's log
// of the messages its MLLP listener took, read by its own integration staff (a staff bearer token). A
// refusal is an Hl7ClientError with the node's catalogue code.
import {
  HL7_API,
  type Hl7MessageAnswer,
  type Hl7MessagesAnswer,
  type Hl7MessagesQuery,
} from '../contract/hl7.ts';
import { ApiRefusal, callApi, NodeApiClient } from './api-call.ts';

/** A refusal by the node (api-call.ts's ApiRefusal, named for this client). */
export class Hl7ClientError extends ApiRefusal {}

export class Hl7Client extends NodeApiClient {
  /** Newest first; `before` is the previous page's `next`. */
  messages(query: Hl7MessagesQuery = {}): Promise<Hl7MessagesAnswer> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) params.set(name, String(value));
    }
    const search = params.size === 0 ? '' : `?${params.toString()}`;
    return this.get(`${HL7_API}/messages${search}`) as Promise<Hl7MessagesAnswer>;
  }

  /** One message's row and the ACKs the node sent for it. */
  message(id: number): Promise<Hl7MessageAnswer> {
    return this.get(`${HL7_API}/messages/${id}`) as Promise<Hl7MessageAnswer>;
  }

  private get(path: string): Promise<unknown> {
    return callApi(this.fetch, `${this.apiUrl}${path}`, 'GET', Hl7ClientError, undefined, this.token);
  }
}
