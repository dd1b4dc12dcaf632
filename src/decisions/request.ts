import {
  nameRecord,
  setName,
  MAX_CONTEXT_CHARS,
  MAX_CONTEXT_VALUES,
  type ContextValue,
} from '../policy/index.ts';
import { parseIp } from '../policy/conditions/ip.ts';

/**
 * The AuthZEN Authorization API 1.0 request bodies (docs/authzen.md; the specification's "Access
 * Evaluation API" and "Access Evaluations API"), checked by hand so that every 400 names the field
 * to fix. Unknown members are ignored, as the specification requires ("receivers MUST ignore
 * unknown fields").
 */

/** Largest request body read, in bytes; larger bodies are refused before parsing. */
export const AUTHZEN_BODY_LIMIT = 256 * 1024;
/** Most items in one `evaluations` array. */
export const MAX_EVALUATIONS = 500;
/** Most condition keys in one `context` object. */
export const MAX_CONTEXT_KEYS = 128;
/** Longest subject id, resource id or action name (IAM's longest ARN is 2048 characters). */
export const MAX_ID_CHARS = 2048;

export type Semantic = 'execute_all' | 'deny_on_first_deny' | 'permit_on_first_permit';
const SEMANTICS: ReadonlySet<string> = new Set([
  'execute_all',
  'deny_on_first_deny',
  'permit_on_first_permit',
]);

export interface Subject {
  type: 'iam_principal' | 'access_key';
  id: string;
  /**
   * `properties.ip_address` (the specification's common Subject property "IP Address"): the
   * address the subject's request comes from, i.e. `aws:SourceIp`.
   */
  ipAddress?: string;
}

export interface Resource {
  id: string;
  account?: string;
  /** A resource-based policy: JSON text or an object, validated by the evaluator. */
  policy?: string | object;
  tags?: Record<string, string>;
}

/** One evaluation after defaults were applied: complete, or why it cannot be evaluated. */
export type Item =
  | {
      ok: true;
      subject: Subject;
      action: string;
      resource: Resource;
      context: Record<string, ContextValue>;
    }
  | { ok: false; message: string };

export interface EvaluationsRequest {
  /** True when the body had no (or an empty) `evaluations` array: answer as a single evaluation. */
  single: boolean;
  items: Item[];
  semantic: Semantic;
  /** `options.trace: true` asks for the evaluator's trace in each answer's context. */
  trace: boolean;
}

/** A malformed request as a whole: HTTP 400 naming the field. */
export class BadRequest extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'BadRequest';
    this.field = field;
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Raised inside an entity check; becomes a BadRequest or a per-item error with the same text. */
class FieldError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

const fail = (field: string, what: string): never => {
  throw new FieldError(field, `${field} ${what}`);
};

function text(v: unknown, field: string, max = MAX_ID_CHARS): string {
  if (typeof v !== 'string')
    return fail(field, v === undefined ? 'is required' : 'must be a string');
  if (v === '') return fail(field, 'must not be empty');
  if (v.length > max) return fail(field, `must be at most ${max} characters`);
  return v;
}

function subjectOf(v: unknown, field: string): Subject {
  if (!isObject(v)) return fail(field, 'must be an object with type and id');
  const type = text(v.type, `${field}.type`, 64);
  const id = text(v.id, `${field}.id`);
  if (type !== 'iam_principal' && type !== 'access_key') {
    fail(`${field}.type`, `must be iam_principal or access_key (got ${JSON.stringify(type)})`);
  }
  const subject: Subject = { type: type as Subject['type'], id };
  const props = v.properties;
  if (props === undefined) return subject;
  if (!isObject(props)) return fail(`${field}.properties`, 'must be an object');
  // Other properties (device_id, department, ...) have no IAM meaning and are ignored: IAM takes a
  // principal's attributes from what it stores (docs/authzen.md).
  const ip = props.ip_address;
  if (ip !== undefined) {
    // "a textual representation of an IP Address" (RFC 4001): IPv4 or IPv6, no zone index.
    if (typeof ip !== 'string' || ip.includes('%') || parseIp(ip) === null) {
      fail(`${field}.properties.ip_address`, 'must be an IPv4 or IPv6 address');
    }
    subject.ipAddress = ip as string;
  }
  return subject;
}

function actionOf(v: unknown, field: string): string {
  if (!isObject(v)) return fail(field, 'must be an object with a name');
  const name = text(v.name, `${field}.name`, 256);
  if (v.properties !== undefined && !isObject(v.properties))
    fail(`${field}.properties`, 'must be an object');
  // IAM actions are service:Action (IAM JSON policy elements: Action).
  if (!/^[A-Za-z0-9-]+:[A-Za-z0-9_*?-]+$/.test(name)) {
    fail(`${field}.name`, 'must be an IAM action such as s3:GetObject');
  }
  return name;
}

function resourceOf(v: unknown, field: string): Resource {
  if (!isObject(v)) return fail(field, 'must be an object with type and id');
  text(v.type, `${field}.type`, 64);
  const id = text(v.id, `${field}.id`);
  if (id !== '*' && !id.startsWith('arn:')) fail(`${field}.id`, 'must be an ARN or "*"');
  const out: Resource = { id };
  const props = v.properties;
  if (props === undefined) return out;
  if (!isObject(props)) return fail(`${field}.properties`, 'must be an object');
  if (props.account !== undefined) {
    if (typeof props.account !== 'string' || !/^\d{12}$/.test(props.account)) {
      fail(`${field}.properties.account`, 'must be a 12-digit account id');
    }
    out.account = props.account as string;
  }
  if (props.policy !== undefined) {
    if (typeof props.policy !== 'string' && !isObject(props.policy)) {
      fail(`${field}.properties.policy`, 'must be a policy document (an object or JSON text)');
    }
    out.policy = props.policy as string | object;
  }
  if (props.tags !== undefined) {
    const tags = props.tags;
    if (!isObject(tags)) return fail(`${field}.properties.tags`, 'must be an object of strings');
    const keys = Object.keys(tags);
    // IAM and most services allow 50 tags per resource (Tagging AWS resources, tag limits).
    if (keys.length > 50) fail(`${field}.properties.tags`, 'must have at most 50 tags');
    const out2 = nameRecord<string>();
    for (const k of keys) {
      const value = tags[k];
      if (typeof value !== 'string') fail(`${field}.properties.tags.${k}`, 'must be a string');
      if (k.length > 128 || (value as string).length > 256) {
        fail(`${field}.properties.tags.${k}`, 'exceeds 128 characters (key) or 256 (value)');
      }
      setName(out2, k, value as string);
    }
    out.tags = out2;
  }
  return out;
}

function contextOf(v: unknown, field: string): Record<string, ContextValue> {
  if (!isObject(v)) return fail(field, 'must be an object of condition keys');
  const keys = Object.keys(v);
  if (keys.length > MAX_CONTEXT_KEYS) fail(field, `must have at most ${MAX_CONTEXT_KEYS} keys`);
  const seen = new Set<string>();
  for (const k of keys) {
    const at = `${field}.${k}`;
    if (k.length > 256) fail(at, 'is a key longer than 256 characters');
    const lower = k.toLowerCase();
    if (seen.has(lower)) fail(at, 'repeats a key (condition keys are case-insensitive)');
    seen.add(lower);
    const value = v[k];
    const values = Array.isArray(value) ? value : [value];
    if (values.length > MAX_CONTEXT_VALUES)
      fail(at, `must have at most ${MAX_CONTEXT_VALUES} values`);
    for (const x of values) {
      const t = typeof x;
      if (t !== 'string' && t !== 'boolean' && !(t === 'number' && Number.isFinite(x))) {
        fail(at, 'must be a string, number, boolean, or an array of them');
      }
      if (t === 'string' && (x as string).length > MAX_CONTEXT_CHARS) {
        fail(at, `must be at most ${MAX_CONTEXT_CHARS} characters`);
      }
    }
  }
  return v as Record<string, ContextValue>;
}

/** Top-level defaults: each one checked as a whole when present (a bad default is a bad request). */
interface Defaults {
  subject?: Subject;
  action?: string;
  resource?: Resource;
  context?: Record<string, ContextValue>;
}

function defaultsOf(body: Json): Defaults {
  const d: Defaults = {};
  if (body.subject !== undefined) d.subject = subjectOf(body.subject, 'subject');
  if (body.action !== undefined) d.action = actionOf(body.action, 'action');
  if (body.resource !== undefined) d.resource = resourceOf(body.resource, 'resource');
  if (body.context !== undefined) d.context = contextOf(body.context, 'context');
  return d;
}

/** One item with the defaults under it (whole-entity replacement, no merging of members). */
function itemOf(raw: unknown, index: number, d: Defaults): Item {
  const at = `evaluations[${index}]`;
  try {
    if (!isObject(raw)) return fail(at, 'must be an object');
    const subject = raw.subject !== undefined ? subjectOf(raw.subject, `${at}.subject`) : d.subject;
    const action = raw.action !== undefined ? actionOf(raw.action, `${at}.action`) : d.action;
    const resource =
      raw.resource !== undefined ? resourceOf(raw.resource, `${at}.resource`) : d.resource;
    const context =
      raw.context !== undefined ? contextOf(raw.context, `${at}.context`) : (d.context ?? {});
    if (subject === undefined) return fail(`${at}.subject`, 'is required (no top-level default)');
    if (action === undefined) return fail(`${at}.action`, 'is required (no top-level default)');
    if (resource === undefined) return fail(`${at}.resource`, 'is required (no top-level default)');
    return { ok: true, subject, action, resource, context };
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, message: e.message };
    throw e;
  }
}

/**
 * Reads an evaluation or evaluations body. Whole-request problems (not an object, a malformed
 * top-level default, a bad `options`, a missing member of a single evaluation) throw BadRequest;
 * a problem inside one item of `evaluations` makes only that item fail (decision false, with the
 * reason), as the specification's "Errors in individual evaluations" describes.
 */
export function parseEvaluations(value: unknown, batch: boolean): EvaluationsRequest {
  try {
    if (!isObject(value)) return fail('body', 'must be a JSON object');
    const options = value.options;
    let semantic: Semantic = 'execute_all';
    let trace = false;
    if (options !== undefined) {
      if (!isObject(options)) return fail('options', 'must be an object');
      if (options.evaluations_semantic !== undefined) {
        const s = options.evaluations_semantic;
        if (typeof s !== 'string' || !SEMANTICS.has(s)) {
          fail(
            'options.evaluations_semantic',
            'must be execute_all, deny_on_first_deny or permit_on_first_permit',
          );
        }
        semantic = s as Semantic;
      }
      if (options.trace !== undefined) {
        if (typeof options.trace !== 'boolean') fail('options.trace', 'must be a boolean');
        trace = options.trace as boolean;
      }
    }
    const list = batch ? value.evaluations : undefined;
    if (list !== undefined && !Array.isArray(list)) return fail('evaluations', 'must be an array');
    if (list !== undefined && list.length > MAX_EVALUATIONS) {
      fail('evaluations', `must have at most ${MAX_EVALUATIONS} items`);
    }
    const defaults = defaultsOf(value);
    if (list === undefined || list.length === 0) {
      // Without items the body is one evaluation ("behaves in a backwards-compatible manner").
      const subject = defaults.subject ?? fail('subject', 'is required');
      const action = defaults.action ?? fail('action', 'is required');
      const resource = defaults.resource ?? fail('resource', 'is required');
      return {
        single: true,
        items: [{ ok: true, subject, action, resource, context: defaults.context ?? {} }],
        semantic,
        trace,
      };
    }
    return {
      single: false,
      items: list.map((raw, i) => itemOf(raw, i, defaults)),
      semantic,
      trace,
    };
  } catch (e) {
    if (e instanceof FieldError) throw new BadRequest(e.field, e.message);
    throw e;
  }
}
