import { byId, el, show } from './dom.js';
import type { Formats } from './format.js';
import { addDays, addMonths, dateOf, keyOf, startOfWeek } from './zones.js';

export type View = 'month' | 'week' | 'day';

/** What the calendar asks of the page: free times per day (in the chosen zone), words, and what to do on a pick. */
export interface CalendarSource {
  days(): Map<string, number[]>;
  formats(): Formats;
  /** The first and last days a time could be on. */
  range(): { first: string; last: string };
  firstDayOfWeek: number;
  /** Makes sure the free times of these days are known (fetching them); re-renders after. */
  load(from: string, toExclusive: string): Promise<void>;
  isLoaded(from: string, toExclusive: string): boolean;
  chooseTime(instant: number): void;
}

const focusRing = 'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700';
const timeButton = `w-full rounded-lg border border-indigo-300 bg-white px-2 py-2 text-center font-semibold text-indigo-800 hover:border-indigo-700 hover:bg-indigo-50 ${focusRing}`;
const NOUNS: Record<View, string> = { month: 'month', week: 'week', day: 'day' };

/**
 * Month view (an ARIA grid of days: arrows move by day and week, Page Up/Down by month, Home/End
 * to the week's ends, Enter picks), week view (seven columns of times) and day view (the day's
 * times). Escape from the times goes back to the day in the grid.
 */
export class Calendar {
  view: View = 'month';
  /** The day with the keyboard focus in the month grid, and the day the week and day views show. */
  cursor: string;
  /** The day whose times the month view lists. */
  selected: string;

  private readonly monthBody = byId('month-body');
  private readonly monthTable = byId('month-view');
  private readonly weekView = byId('week-view');
  private readonly dayView = byId('day-view');
  private readonly timesPanel = byId('times-panel');
  private readonly timesList = byId('times-list');
  private readonly timesHeading = byId('times-heading');
  private readonly label = byId('period-label');
  private readonly prev = byId<HTMLButtonElement>('prev');
  private readonly next = byId<HTMLButtonElement>('next');

  constructor(
    private readonly source: CalendarSource,
    start: string,
  ) {
    this.cursor = start;
    this.selected = start;
    this.prev.addEventListener('click', () => this.step(-1));
    this.next.addEventListener('click', () => this.step(1));
    this.monthBody.addEventListener('keydown', (e) => this.onGridKey(e));
    this.monthBody.addEventListener('click', (e) => {
      const button = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-day]');
      if (button) this.pickDay(button.dataset.day!, false);
    });
    for (const container of [this.timesList, this.weekView, this.dayView]) {
      container.addEventListener('click', (e) => {
        const button = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-time]');
        if (button) this.source.chooseTime(Number(button.dataset.time));
      });
      container.addEventListener('keydown', (e) => this.onTimesKey(e, container));
    }
  }

  setView(view: View): void {
    this.view = view;
    if (view !== 'month') this.cursor = this.selected;
    this.render();
  }

  /** Draws the current view; fetches the days it shows when they are not known yet. */
  render(): void {
    const { from, to } = this.shownRange();
    const loaded = this.source.isLoaded(from, to);
    if (!loaded) void this.source.load(from, to).then(() => this.render(), () => this.showLoadError());
    show(this.monthTable, this.view === 'month');
    show(this.weekView, this.view === 'week');
    show(this.dayView, this.view === 'day');
    show(this.timesPanel, this.view === 'month');
    // Week and day views take the times panel's column too.
    byId('calendar-column').classList.toggle('md:col-span-2', this.view !== 'month');
    const noun = NOUNS[this.view];
    this.prev.setAttribute('aria-label', `Previous ${noun}`);
    this.next.setAttribute('aria-label', `Next ${noun}`);
    const { first, last } = this.source.range();
    this.prev.disabled = from <= first;
    this.next.disabled = to > last;
    const f = this.source.formats();
    if (this.view === 'month') {
      this.label.textContent = f.month(this.cursor);
      this.renderMonth(loaded);
      this.renderTimes(loaded);
    } else if (this.view === 'week') {
      this.label.textContent = `${f.shortDay(from)} – ${f.shortDay(addDays(to, -1))}`;
      this.renderWeek(from, loaded);
    } else {
      this.label.textContent = f.day(this.cursor);
      this.renderDay(loaded);
    }
  }

  /** Puts the focus where the keyboard left off in the current view. */
  focus(): void {
    const target =
      this.view === 'month'
        ? this.monthBody.querySelector<HTMLButtonElement>(`button[data-day="${this.cursor}"]`)
        : (this.view === 'week' ? this.weekView : this.dayView).querySelector<HTMLButtonElement>('button[data-time]');
    (target ?? this.next).focus();
  }

  private shownRange(): { from: string; to: string } {
    if (this.view === 'day') return { from: this.cursor, to: addDays(this.cursor, 1) };
    if (this.view === 'week') {
      const from = startOfWeek(this.cursor, this.source.firstDayOfWeek);
      return { from, to: addDays(from, 7) };
    }
    const from = monthStart(this.cursor);
    return { from, to: addMonths(from, 1) };
  }

  private step(direction: 1 | -1): void {
    if (this.view === 'month') this.moveCursor(addMonths(monthStart(this.cursor), direction), false);
    else this.moveCursor(addDays(this.cursor, direction * (this.view === 'week' ? 7 : 1)), false);
    if (this.view !== 'month') this.selected = this.cursor;
    this.render();
  }

  private moveCursor(day: string, focus: boolean): void {
    const { first, last } = this.source.range();
    this.cursor = day < first ? first : day > last ? last : day;
    if (this.view === 'month' && monthStart(this.cursor) !== monthStart(this.selected)) {
      // A new month shows its first free day's times.
      const free = this.firstFreeDay(monthStart(this.cursor), addMonths(monthStart(this.cursor), 1));
      if (free && !focus) this.cursor = free;
      this.selected = free ?? this.cursor;
    }
    this.render();
    if (focus) this.focus();
  }

  private firstFreeDay(from: string, to: string): string | undefined {
    return [...this.source.days().keys()].filter((d) => d >= from && d < to).sort()[0];
  }

  private pickDay(day: string, fromKeyboard: boolean): void {
    this.cursor = day;
    this.selected = day;
    this.render();
    const first = this.timesList.querySelector<HTMLButtonElement>('button[data-time]');
    if (fromKeyboard && first) first.focus();
    else this.focus();
  }

  private onGridKey(e: KeyboardEvent): void {
    const moves: Record<string, () => string> = {
      ArrowLeft: () => addDays(this.cursor, -1),
      ArrowRight: () => addDays(this.cursor, 1),
      ArrowUp: () => addDays(this.cursor, -7),
      ArrowDown: () => addDays(this.cursor, 7),
      Home: () => startOfWeek(this.cursor, this.source.firstDayOfWeek),
      End: () => addDays(startOfWeek(this.cursor, this.source.firstDayOfWeek), 6),
      PageUp: () => addMonths(this.cursor, -1),
      PageDown: () => addMonths(this.cursor, 1),
    };
    if (moves[e.key]) {
      e.preventDefault();
      this.moveCursor(moves[e.key]!(), true);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (this.source.days().has(this.cursor)) this.pickDay(this.cursor, true);
    }
  }

  private onTimesKey(e: KeyboardEvent, container: HTMLElement): void {
    const current = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-time]');
    if (!current) return;
    if (e.key === 'Escape' && this.view === 'month') {
      e.preventDefault();
      this.focus();
      return;
    }
    const buttons = [...container.querySelectorAll<HTMLButtonElement>('button[data-time]')];
    const index = buttons.indexOf(current);
    let target: HTMLButtonElement | undefined;
    if (e.key === 'ArrowDown') target = buttons[index + 1];
    else if (e.key === 'ArrowUp') target = buttons[index - 1];
    else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && this.view !== 'month') {
      const direction = e.key === 'ArrowLeft' ? -1 : 1;
      if (this.view === 'day') {
        e.preventDefault();
        this.step(direction);
        this.focus();
        return;
      }
      // Week view: the first time of the next or previous day that has any.
      const daysWithTimes = [...new Set(buttons.map((b) => b.dataset.day!))];
      const day = daysWithTimes[daysWithTimes.indexOf(current.dataset.day!) + direction];
      target = day ? buttons.find((b) => b.dataset.day === day) : undefined;
    }
    if (target) {
      e.preventDefault();
      target.focus();
    }
  }

  private renderMonth(loaded: boolean): void {
    const f = this.source.formats();
    const days = this.source.days();
    const monthFrom = monthStart(this.cursor);
    const gridStart = startOfWeek(monthFrom, this.source.firstDayOfWeek);
    const weekdayRow = byId('weekday-row');
    weekdayRow.replaceChildren(
      ...Array.from({ length: 7 }, (_, i) => {
        const day = addDays(gridStart, i);
        const th = el('th', { scope: 'col', class: 'h-7 text-xs font-medium uppercase text-slate-600' });
        th.append(el('abbr', { title: f.day(day).split(',')[0]!, class: 'no-underline' }, f.weekdayName(day)));
        return th;
      }),
    );
    const today = this.source.range().first;
    const rows: HTMLTableRowElement[] = [];
    for (let week = 0; week < 6; week++) {
      const tr = el('tr');
      for (let i = 0; i < 7; i++) {
        const day = addDays(gridStart, week * 7 + i);
        const td = el('td', { role: 'gridcell', class: 'h-11 p-0' });
        if (monthStart(day) === monthFrom) {
          const count = days.get(day)?.length ?? 0;
          const selected = day === this.selected;
          td.setAttribute('aria-selected', String(selected));
          const label = `${f.day(day)}, ${loaded ? (count ? `${count} free time${count === 1 ? '' : 's'}` : 'no free times') : 'loading'}`;
          const button = el('button', {
            type: 'button',
            'data-day': day,
            tabindex: day === this.cursor ? '0' : '-1',
            'aria-label': label,
            class: `relative flex h-11 w-full flex-col items-center justify-center rounded-lg text-sm ${focusRing} ${
              selected && count
                ? 'bg-indigo-700 font-semibold text-white'
                : count
                  ? 'bg-indigo-50 font-semibold text-indigo-900 hover:bg-indigo-100'
                  : 'text-slate-500'
            }`,
          });
          if (!count) button.setAttribute('aria-disabled', 'true');
          if (day === today) button.setAttribute('aria-current', 'date');
          button.append(el('span', { 'aria-hidden': 'true' }, String(Number(day.slice(8)))));
          if (count) button.append(el('span', { 'aria-hidden': 'true', class: `mt-0.5 h-1 w-1 rounded-full ${selected ? 'bg-white' : 'bg-indigo-700'}` }));
          td.append(button);
        }
        tr.append(td);
      }
      rows.push(tr);
    }
    this.monthBody.replaceChildren(...rows);
    this.monthTable.setAttribute('aria-busy', String(!loaded));
  }

  private renderTimes(loaded: boolean): void {
    const f = this.source.formats();
    const starts = this.source.days().get(this.selected) ?? [];
    this.timesHeading.textContent = f.day(this.selected);
    if (!loaded) {
      this.timesList.replaceChildren(el('li', { class: 'col-span-full text-slate-600' }, 'Loading free times…'));
      return;
    }
    this.timesList.replaceChildren(
      ...(starts.length
        ? starts.map((start) => {
            const li = el('li');
            li.append(this.timeButtonOf(start, this.selected, f));
            return li;
          })
        : [el('li', { class: 'col-span-full text-slate-600' }, 'No free times on this day. Pick a highlighted day.')]),
    );
  }

  private renderWeek(from: string, loaded: boolean): void {
    const f = this.source.formats();
    const days = this.source.days();
    const grid = el('div', { class: 'grid min-h-[19rem] grid-cols-1 gap-3 sm:grid-cols-7 sm:gap-2' });
    for (let i = 0; i < 7; i++) {
      const day = addDays(from, i);
      const headingId = `week-day-${day}`;
      const column = el('section', { 'aria-labelledby': headingId, class: 'min-w-0' });
      column.append(el('h3', { id: headingId, class: 'text-sm font-semibold text-slate-800 sm:text-center' }, f.shortDay(day)));
      const starts = days.get(day) ?? [];
      const list = el('ul', { class: 'mt-1 flex flex-wrap gap-1.5 sm:flex-col' });
      if (!loaded) list.append(el('li', { class: 'text-sm text-slate-600' }, 'Loading…'));
      else if (!starts.length) list.append(el('li', { class: 'text-sm text-slate-600' }, 'No free times'));
      for (const start of starts) {
        const li = el('li', { class: 'w-[calc(33%-0.3rem)] sm:w-full' });
        li.append(this.timeButtonOf(start, day, f, 'text-sm px-1'));
        list.append(li);
      }
      column.append(list);
      grid.append(column);
    }
    this.weekView.replaceChildren(grid);
  }

  private renderDay(loaded: boolean): void {
    const f = this.source.formats();
    const starts = this.source.days().get(this.cursor) ?? [];
    const list = el('ul', { class: 'grid min-h-[19rem] auto-rows-min grid-cols-2 gap-2 sm:grid-cols-3', 'aria-label': `Free times on ${f.day(this.cursor)}` });
    if (!loaded) list.append(el('li', { class: 'col-span-full text-slate-600' }, 'Loading free times…'));
    else if (!starts.length) list.append(el('li', { class: 'col-span-full text-slate-600' }, 'No free times on this day. Try the next day.'));
    for (const start of starts) {
      const li = el('li');
      li.append(this.timeButtonOf(start, this.cursor, f));
      list.append(li);
    }
    this.dayView.replaceChildren(list);
  }

  private timeButtonOf(start: number, day: string, f: Formats, extra = ''): HTMLButtonElement {
    const time = f.timeOf(start);
    return el('button', { type: 'button', 'data-time': String(start), 'data-day': day, 'aria-label': `${time}, ${f.day(day)}`, class: `${timeButton} ${extra}` }, time);
  }

  private showLoadError(): void {
    this.timesList.replaceChildren(el('li', { class: 'col-span-full text-red-800' }, 'Could not load the free times. Check your connection and try again.'));
  }
}

export function monthStart(day: string): string {
  return `${day.slice(0, 8)}01`;
}

/** The day keys [from, to) as UTC midnights: what the page fetches for a view. */
export function dayRange(from: string, to: string): { from: number; to: number } {
  return { from: dateOf(from), to: dateOf(to) };
}

export { keyOf };
