// IPC wiring between the renderer and the main process. Every channel is `voxwatch:<name>`; every call is
// checked for who sent it and what it carries before a handler sees it, because a compromised or navigated
// frame must not reach the project API.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { failureOf } from '../core/api-failure';
import { version as appVersion } from '../package.json';

export const CHANNEL_PREFIX = 'voxwatch:';

export type IpcHandler = (...args: unknown[]) => unknown;

/** The part of Electron's ipcMain we use: small enough to fake in tests. */
export interface IpcRegistrar {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The frame properties the trust check reads (a WebFrameMain in Electron). */
export type SenderFrame = Pick<WebFrameMain, 'url' | 'parent'>;

export type SenderCheck = (frame: SenderFrame | null) => boolean;

/** Handlers that exist before core's ProjectApi does. */
export const shellHandlers: Record<string, IpcHandler> = {
  version: () => appVersion,
  ping: () => 'pong',
};

/**
 * Registers `voxwatch:<name>` for each handler. Returns a function that removes them again.
 * Calls from an untrusted frame or with arguments that are not plain JSON are rejected (the renderer's
 * promise rejects) and never reach the handler.
 */
export function registerIpc(ipcMain: IpcRegistrar, handlers: Record<string, IpcHandler>, isTrustedSender: SenderCheck): () => void {
  const channels = Object.keys(handlers).map((name) => CHANNEL_PREFIX + name);
  for (const [name, handler] of Object.entries(handlers)) {
    ipcMain.handle(CHANNEL_PREFIX + name, async (event, ...args) => {
      if (!isTrustedSender(event.senderFrame)) throw new Error('untrusted sender');
      assertJsonArgs(args);
      try {
        return await handler(...args);
      } catch (e) {
        throw pageError(name, e);
      }
    });
  }
  return () => channels.forEach((channel) => ipcMain.removeHandler(channel));
}

/**
 * What the page is told of a failed call, worded as `voxwatch serve` words it (core/api-failure.ts): Electron passes
 * on only the error's name and message, so a SQLite refusal would otherwise read "SqliteError: attempt to write a
 * readonly database". Our own bugs are logged here, with their stack, and the page is told which call failed.
 */
function pageError(name: string, e: unknown): Error {
  const failure = failureOf(e);
  if (failure.ourBug) console.error(`voxwatch: ${name} failed:`, e);
  else if (failure.message.startsWith('nothing was saved'))
    console.error(`voxwatch: ${name}: the project was not written:`, (e as Error).message);
  return new Error(failure.ourBug ? `internal error in ${name}: ${(e as Error)?.message ?? String(e)}` : failure.message);
}

/** True for a file:// URL inside `<appRoot>/renderer/` (query and hash ignored): the only pages we load. */
export function isTrustedUrl(url: string, appRoot: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'file:' || parsed.host !== '') return false; // a host would mean a network share
  parsed.search = '';
  parsed.hash = '';
  let filePath: string;
  try {
    filePath = fileURLToPath(parsed);
  } catch {
    return false; // e.g. encoded slashes, which fileURLToPath refuses
  }
  const relative = path.relative(path.join(appRoot, 'renderer'), filePath);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The sender check for the app: the top frame showing one of our own renderer files. */
export function trustedFrameCheck(appRoot: string): SenderCheck {
  return (frame) => frame !== null && frame.parent === null && isTrustedUrl(frame.url, appRoot);
}

/** Throws a TypeError unless args is an array of JSON values (no undefined, NaN, functions, classes or cycles). */
export function assertJsonArgs(args: unknown): asserts args is unknown[] {
  if (!Array.isArray(args) || !args.every((value) => isJsonValue(value, new Set()))) {
    throw new TypeError('IPC arguments must be JSON-serialisable values');
  }
}

function isJsonValue(value: unknown, ancestors: Set<object>): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || ancestors.has(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (!isArray && prototype !== Object.prototype && prototype !== null) return false; // Date, Map, typed arrays…
  ancestors.add(value);
  const children = isArray ? value : Object.values(value);
  const valid = children.every((child) => isJsonValue(child, ancestors));
  ancestors.delete(value);
  return valid;
}
