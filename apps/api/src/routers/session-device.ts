// What the sessions list shows for a session's device: "Chrome on Linux", parsed from the User-Agent the session
// was signed in with. Parsed here rather than in the web app so every client of `auth.sessions` (a CLI, a
// mobile app) gets the same words, and the parser's rule tables stay out of the browser bundle.
import Bowser from 'bowser';

// Real agents are a few hundred characters; the header is caller-chosen (up to Node's header limit), and the
// parser runs regular expressions over it, so only the head is parsed.
const MAX_PARSED_USER_AGENT_CHARS = 512;
const MAX_PRODUCT_TOKEN_CHARS = 64;

export interface SessionDevice {
  /** "Chrome", "Firefox", "Microsoft Edge"; null when the agent names no browser the parser knows. */
  browser: string | null;
  /** "Linux", "macOS", "iOS", "Windows"; null when unknown. */
  os: string | null;
  /** "Chrome on Linux", "Chrome", "Linux", the agent's first product token ("curl/8.5.0"), or "Unknown device". */
  deviceLabel: string;
}

/** Browser, system and a display label for a stored User-Agent (null when the login sent none). */
export function describeSessionDevice(userAgent: string | null): SessionDevice {
  const agent = (userAgent ?? '').slice(0, MAX_PARSED_USER_AGENT_CHARS).trim();
  if (agent === '') return { browser: null, os: null, deviceLabel: 'Unknown device' };
  const parsed = Bowser.parse(agent);
  const browser = nonEmpty(parsed.browser.name);
  const os = nonEmpty(parsed.os.name);
  return { browser, os, deviceLabel: label(agent, browser, os) };
}

function label(agent: string, browser: string | null, os: string | null): string {
  if (browser !== null && os !== null) return `${browser} on ${os}`;
  if (browser !== null) return browser;
  if (os !== null) return os;
  // A program (curl, an SDK) names itself first; the rest of a long agent is noise to a person.
  const product = agent.split(/\s/, 1)[0] ?? agent;
  return product.length <= MAX_PRODUCT_TOKEN_CHARS
    ? product
    : `${product.slice(0, MAX_PRODUCT_TOKEN_CHARS - 1)}…`;
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}
