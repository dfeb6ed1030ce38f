// What the booth's pages share (index.html and check.html): building elements, text that
// follows the chosen language, the language menu, the error box with its "technical details",
// and the <html lang dir> switch.

import { LANGUAGES, direction, isLanguage, preferredLanguage, translate } from './i18n.js';
import { explain } from './problems.js';

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) e.append(c);
  return e;
}

/**
 * The page's language and every element whose text depends on it (element -> () => text),
 * rendered again when the voter picks another language. `onLanguage(lang)` runs first.
 */
export class Texts {
  constructor(onLanguage = () => {}) {
    this.lang = 'en';
    this.renders = new Map();
    this.onLanguage = onLanguage;
    this.t = (key, params) => translate(this.lang, key, params);
  }

  set(node, render) {
    this.renders.set(node, render);
    node.textContent = render();
  }

  clear(node) {
    this.renders.delete(node);
    node.textContent = '';
  }

  /** Forget the elements inside `root` (before it is emptied). */
  forget(root) {
    for (const node of root.querySelectorAll('*')) this.renders.delete(node);
  }

  apply(lang) {
    this.lang = lang;
    const root = document.documentElement;
    root.lang = lang;
    root.dir = direction(lang);
    $('language').value = lang;
    // First the page's own state (its renders may read the language from it), then the text.
    this.onLanguage(lang);
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = this.t(node.dataset.i18n);
    for (const [node, render] of this.renders) node.textContent = render();
  }

  /** Fill the language menu, follow it, and start in the address's `lang=`, else the
   * browser's preference, else Arabic. */
  start() {
    const select = $('language');
    const fromUrl = new URLSearchParams(location.search).get('lang');
    const initial = isLanguage(fromUrl) ? fromUrl : preferredLanguage(navigator.languages ?? [navigator.language]);
    select.replaceChildren(...LANGUAGES.map((l) => el('option', { value: l.code, lang: l.code, dir: l.dir }, [l.name])));
    select.addEventListener('change', () => this.apply(select.value));
    this.apply(initial);
  }

  /** A closed "technical details" disclosure holding English text (left to right). */
  technicalDetails(text) {
    const summary = el('summary');
    this.set(summary, () => this.t('technical_details'));
    const body = el('p', { class: 'technical', lang: 'en', dir: 'ltr' }, [text]);
    return el('details', { class: 'technical-details' }, [summary, body]);
  }

  /**
   * Show an error in the page's #error box: `render` gives the voter's words; `detail`, if
   * any, is English technical text (a server's problem detail, a protocol error), shown only
   * inside a closed disclosure. With `reveal`, the box is scrolled into view and focused:
   * after an action whose result the voter's eyes are not on (on a phone, the box can be far
   * above the button).
   */
  showError(render, detail = null, reveal = false) {
    const box = $('error');
    this.set($('error-text'), render);
    $('error-detail').textContent = detail ?? '';
    $('error-details').open = false;
    $('error-details').hidden = !detail;
    box.hidden = false;
    if (reveal) {
      box.scrollIntoView?.({ block: 'center' });
      box.focus();
    }
  }

  clearError() {
    this.clear($('error-text'));
    $('error-detail').textContent = '';
    $('error-details').hidden = true;
    $('error').hidden = true;
  }

  /** `err` (a problem detail, a network failure, a protocol error) in the voter's words. */
  showProblem(err, reveal = false) {
    const { key, params, detail } = explain(err);
    this.showError(() => this.t(key, params), detail, reveal);
  }
}
