import { Docs, DocsClient, Examples, ExamplesClient, Status, StatusClient } from '../api';
import { PolledModel } from '../common/model';

/** State of the home panel: workspace status (polled), examples and documentation pages. */
export class HomeModel extends PolledModel {
  constructor(refreshSeconds = 30) {
    super('polartep:status', { interval: refreshSeconds * 1000, max: 300 * 1000 });
  }

  get status(): Status.IReply | null {
    return this._status;
  }
  get examples(): Examples.IExample[] {
    return this._examples;
  }
  get pages(): Docs.IPageInfo[] {
    return this._pages;
  }

  /** Change how often the status is polled (at least every 5 s). */
  set refreshSeconds(seconds: number) {
    this.setFrequency({ interval: Math.max(5, seconds) * 1000, max: 300 * 1000 });
  }

  /** Fetch status, examples and pages; errors are kept for the panel to show. */
  protected async load(): Promise<void> {
    const [status, examples, pages] = await Promise.all([
      this._statusClient.get(),
      this._examplesClient.list().catch(() => [] as Examples.IExample[]),
      this._docsClient.list().catch(() => [] as Docs.IPageInfo[])
    ]);
    this._status = status;
    this._examples = examples;
    this._pages = pages;
  }

  private _status: Status.IReply | null = null;
  private _examples: Examples.IExample[] = [];
  private _pages: Docs.IPageInfo[] = [];
  private _statusClient = new StatusClient();
  private _examplesClient = new ExamplesClient();
  private _docsClient = new DocsClient();
}
