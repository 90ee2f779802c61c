import type { AppDeps } from '../app.js';
import type { DatabaseHandle } from '../db/client.js';
import { EventDispatcher, type DispatcherOptions } from './dispatcher.js';
import { eventHandlers } from './handlers/index.js';

/** Starts delivering booking events to every configured handler; stop() finishes the round in progress. */
export async function startEvents(deps: AppDeps, database: Pick<DatabaseHandle, 'listen'>, options: DispatcherOptions = {}): Promise<EventDispatcher> {
  const dispatcher = new EventDispatcher(deps.db, eventHandlers(deps), { listen: database.listen, ...options });
  await dispatcher.start();
  return dispatcher;
}

export { EventDispatcher } from './dispatcher.js';
export type { DeliveredEvent, EventHandler, EffectLedger } from './dispatcher.js';
