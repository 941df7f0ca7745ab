/**
 * Notifications the user sees. JupyterLab's `Notification.error(message)` is silent unless it is
 * given an `autoClose` (the default 0 only counts it on the status bar's bell): the workspace's
 * errors and confirmations go through here, so each one is shown as a toast.
 */
import { Notification } from '@jupyterlab/apputils';

/** How long an error stays on screen (ms); it stays in the notification list afterwards. */
export const ERROR_SHOWN_MS = 10_000;

/** Show an error (a refused input, a failed request …) as a toast. */
export function notifyError(message: string): string {
  return Notification.error(message, { autoClose: ERROR_SHOWN_MS });
}

/** Show that something was done, briefly. */
export function notifySuccess(message: string, shownMs = 4_000): string {
  return Notification.success(message, { autoClose: shownMs });
}
