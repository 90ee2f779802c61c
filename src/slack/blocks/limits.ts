/**
 * Slack's documented Block Kit limits, and helpers that keep text inside them. Builders call
 * `clip`/`optionText` on anything that comes from people (titles, names, notes); the tests check
 * every builder's output with `limitViolations`.
 */
export const LIMITS = {
  modalTitle: 24,
  modalButton: 24,
  modalBlocks: 100,
  messageBlocks: 50,
  homeBlocks: 100,
  staticSelectOptions: 100,
  optionText: 75,
  optionDescription: 75,
  optionValue: 150,
  privateMetadata: 3000,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  actionId: 255,
  blockId: 255,
  contextElements: 10,
  actionsElements: 25,
  inputLabel: 2000,
  placeholder: 150,
  buttonUrl: 3000,
  buttonValue: 2000,
} as const;

/** Cuts text to at most `max` characters, marking the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export function plain(text: string, max: number = LIMITS.sectionText): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text: clip(text, max), emoji: true };
}

export function mrkdwn(text: string, max: number = LIMITS.sectionText): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: clip(text, max) };
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function option(text: string, value: string, description?: string) {
  return {
    text: plain(text, LIMITS.optionText),
    value,
    ...(description ? { description: plain(description, LIMITS.optionDescription) } : {}),
  };
}

type Json = unknown;

/**
 * Everything in a view or message that breaks one of Slack's limits, as readable strings; an
 * empty list means it is within them. `kind` picks the block limit.
 */
export function limitViolations(surface: Json, kind: 'modal' | 'message' | 'home'): string[] {
  const problems: string[] = [];
  const s = surface as Record<string, any>;
  const blocks: any[] = Array.isArray(s.blocks) ? s.blocks : [];
  const maxBlocks = kind === 'message' ? LIMITS.messageBlocks : kind === 'modal' ? LIMITS.modalBlocks : LIMITS.homeBlocks;
  if (blocks.length > maxBlocks) problems.push(`${blocks.length} blocks (at most ${maxBlocks} in a ${kind})`);
  if (kind === 'modal') {
    if (!s.title?.text) problems.push('modal without a title');
    else if ([...s.title.text].length > LIMITS.modalTitle) problems.push(`modal title "${s.title.text}" over ${LIMITS.modalTitle}`);
    for (const key of ['submit', 'close'] as const) {
      if (s[key] && [...s[key].text].length > LIMITS.modalButton) problems.push(`${key} text over ${LIMITS.modalButton}`);
    }
  }
  if (typeof s.private_metadata === 'string' && s.private_metadata.length > LIMITS.privateMetadata) {
    problems.push(`private_metadata ${s.private_metadata.length} characters (at most ${LIMITS.privateMetadata})`);
  }
  if (typeof s.text === 'string' && s.text.length > 40_000) problems.push('message text over 40,000');
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    const at = `block ${i} (${block.type})`;
    if (block.block_id) {
      if (blockIds.has(block.block_id)) problems.push(`${at}: duplicate block_id ${block.block_id}`);
      blockIds.add(block.block_id);
      if (block.block_id.length > LIMITS.blockId) problems.push(`${at}: block_id too long`);
    }
    if (block.type === 'section') {
      if (block.text && [...block.text.text].length > LIMITS.sectionText) problems.push(`${at}: section text over ${LIMITS.sectionText}`);
      if (block.fields) {
        if (block.fields.length > 10) problems.push(`${at}: more than 10 fields`);
        for (const f of block.fields) if ([...f.text].length > 2000) problems.push(`${at}: field over 2000`);
      }
      if (!block.text && !block.fields) problems.push(`${at}: section without text or fields`);
    }
    if (block.type === 'header' && [...block.text.text].length > LIMITS.headerText) problems.push(`${at}: header over ${LIMITS.headerText}`);
    if (block.type === 'context' && block.elements.length > LIMITS.contextElements) problems.push(`${at}: more than 10 context elements`);
    if (block.type === 'actions' && block.elements.length > LIMITS.actionsElements) problems.push(`${at}: more than 25 actions`);
    if (block.type === 'input') {
      if (kind === 'message') problems.push(`${at}: input blocks are not allowed in messages`);
      if ([...block.label.text].length > LIMITS.inputLabel) problems.push(`${at}: label too long`);
      checkElement(block.element, at, problems);
    }
    if (block.accessory) checkElement(block.accessory, at, problems);
    if (block.type === 'actions') for (const e of block.elements) checkElement(e, at, problems);
  });
  return problems;
}

function checkElement(e: any, at: string, problems: string[]): void {
  if (!e) return;
  if (e.action_id && e.action_id.length > LIMITS.actionId) problems.push(`${at}: action_id too long`);
  if (e.placeholder && [...e.placeholder.text].length > LIMITS.placeholder) problems.push(`${at}: placeholder too long`);
  if (e.type === 'button') {
    if ([...e.text.text].length > LIMITS.buttonText) problems.push(`${at}: button text over ${LIMITS.buttonText}`);
    if (e.url && e.url.length > LIMITS.buttonUrl) problems.push(`${at}: button url over ${LIMITS.buttonUrl}`);
    if (e.value && e.value.length > LIMITS.buttonValue) problems.push(`${at}: button value over ${LIMITS.buttonValue}`);
  }
  if (e.initial_users && e.max_selected_items && e.initial_users.length > e.max_selected_items) problems.push(`${at}: more initial users than max_selected_items`);
  const options: any[] = e.options ?? (e.option_groups ?? []).flatMap((g: any) => g.options);
  if ((e.type === 'static_select' || e.type === 'multi_static_select') && options.length > LIMITS.staticSelectOptions) {
    problems.push(`${at}: ${options.length} options (at most ${LIMITS.staticSelectOptions})`);
  }
  if ((e.type === 'static_select' || e.type === 'multi_static_select' || e.type === 'radio_buttons') && options.length === 0) {
    problems.push(`${at}: a select without options`);
  }
  for (const o of [...options, ...(e.initial_option ? [e.initial_option] : [])]) {
    if ([...o.text.text].length > LIMITS.optionText) problems.push(`${at}: option text "${o.text.text}" over ${LIMITS.optionText}`);
    if (o.description && [...o.description.text].length > LIMITS.optionDescription) problems.push(`${at}: option description over ${LIMITS.optionDescription}`);
    if (o.value && o.value.length > LIMITS.optionValue) problems.push(`${at}: option value over ${LIMITS.optionValue}`);
  }
  if (e.initial_option && options.length && !options.some((o) => o.value === e.initial_option.value)) {
    problems.push(`${at}: initial_option is not one of the options`);
  }
}
