// One email as Latchkey sends it: plain text and HTML with the same words, the product's name, and nothing
// that tracks the reader. The HTML has no remote image, no stylesheet, no script and no link other than the
// one action link, written out in full in both parts, so what the reader sees is where it goes (no redirect
// through a click-tracking host). Every value is escaped before it enters the HTML.

/** The name every message is signed with and its subject starts with. */
export const PRODUCT_NAME = 'Latchkey';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MessageContent {
  to: string;
  /** Without the product name: it is put in front. */
  subject: string;
  /** Plain sentences; each becomes a paragraph. */
  paragraphs: readonly string[];
  /** The one link of the message, if any, shown as a button and written out as text. */
  action?: { label: string; url: string };
  /** Said after the action: what to do when the reader did not ask for this. */
  closing?: readonly string[];
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML character data or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/** Renders the content as a message with a plain-text and an HTML part saying the same thing. */
export function composeMessage(content: MessageContent): MailMessage {
  const closing = content.closing ?? [];
  const textParts = [
    ...content.paragraphs,
    ...(content.action === undefined ? [] : [`${content.action.label}:\n${content.action.url}`]),
    ...closing,
    `— ${PRODUCT_NAME}`,
  ];
  const paragraph = (text: string): string => `<p>${escapeHtml(text)}</p>`;
  const action =
    content.action === undefined
      ? []
      : [
          `<p><a href="${escapeHtml(content.action.url)}">${escapeHtml(content.action.label)}</a></p>`,
          `<p>${escapeHtml(content.action.url)}</p>`,
        ];
  const html = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head><body>`,
    ...content.paragraphs.map(paragraph),
    ...action,
    ...closing.map(paragraph),
    paragraph(`— ${PRODUCT_NAME}`),
    '</body></html>',
  ].join('\n');
  return {
    to: content.to,
    subject: `${PRODUCT_NAME}: ${content.subject}`,
    text: `${textParts.join('\n\n')}\n`,
    html,
  };
}
