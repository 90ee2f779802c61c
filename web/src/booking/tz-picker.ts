import { byId, el, show } from './dom.js';
import { allZones, offsetLabel, zoneName } from './zones.js';

const MAX_SHOWN = 80;

/**
 * The time zone field: a combobox (ARIA 1.2) that filters every zone the browser knows as the
 * visitor types ("new york", "kolkata", "gmt+5"); arrows move through the list, Enter picks,
 * Escape closes and puts back the zone in force.
 */
export class ZonePicker {
  private readonly input = byId<HTMLInputElement>('tz-input');
  private readonly list = byId<HTMLUListElement>('tz-list');
  private zones: string[] | undefined;
  private shown: string[] = [];
  private active = -1;

  constructor(
    private zone: string,
    private readonly onChange: (zone: string) => void,
  ) {
    this.input.value = zoneName(zone);
    this.input.addEventListener('input', () => this.open(this.input.value));
    this.input.addEventListener('focus', () => this.input.select());
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('blur', () => setTimeout(() => this.close(true), 150));
    this.list.addEventListener('mousedown', (e) => e.preventDefault());
    this.list.addEventListener('click', (e) => {
      const option = (e.target as HTMLElement).closest<HTMLLIElement>('[role="option"]');
      if (option) this.pick(option.dataset.zone!);
    });
  }

  private open(query: string): void {
    this.zones ??= allZones();
    const now = Date.now();
    const words = query.toLowerCase().replace(/_/g, ' ').trim();
    const matches = this.zones.filter((z) => !words || zoneName(z).toLowerCase().includes(words) || offsetLabel(now, z).toLowerCase().replace('−', '-').includes(words.replace('utc', 'gmt')));
    this.shown = matches.slice(0, MAX_SHOWN);
    this.active = this.shown.length ? 0 : -1;
    this.list.replaceChildren(
      ...(this.shown.length
        ? this.shown.map((z, i) => {
            const option = el('li', { id: `tz-option-${i}`, role: 'option', 'data-zone': z, 'aria-selected': 'false', class: 'cursor-pointer px-3 py-1.5 text-sm text-slate-900 aria-selected:bg-indigo-700 aria-selected:text-white' });
            option.append(el('span', {}, zoneName(z)), el('span', { class: 'ml-2 opacity-75' }, offsetLabel(now, z)));
            return option;
          })
        : [el('li', { class: 'px-3 py-1.5 text-sm text-slate-600', role: 'presentation' }, 'No time zone matches')]),
    );
    show(this.list, true);
    this.input.setAttribute('aria-expanded', 'true');
    this.highlight();
  }

  private close(restore: boolean): void {
    show(this.list, false);
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    if (restore) this.input.value = zoneName(this.zone);
  }

  private pick(zone: string): void {
    this.zone = zone;
    this.close(true);
    this.onChange(zone);
  }

  private highlight(): void {
    this.list.querySelectorAll('[role="option"]').forEach((o, i) => o.setAttribute('aria-selected', String(i === this.active)));
    const option = this.active >= 0 ? document.getElementById(`tz-option-${this.active}`) : null;
    if (option) {
      this.input.setAttribute('aria-activedescendant', option.id);
      option.scrollIntoView({ block: 'nearest' });
    } else this.input.removeAttribute('aria-activedescendant');
  }

  private onKey(e: KeyboardEvent): void {
    const expanded = this.input.getAttribute('aria-expanded') === 'true';
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!expanded) return this.open('');
      const n = this.shown.length;
      if (n) this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.highlight();
    } else if (e.key === 'Enter' && expanded) {
      e.preventDefault();
      if (this.active >= 0) this.pick(this.shown[this.active]!);
    } else if (e.key === 'Escape' && expanded) {
      e.preventDefault();
      e.stopPropagation();
      this.close(true);
    }
  }
}
