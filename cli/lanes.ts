// Bounded concurrency with per-user order: each user (lane) has a queue, at most one of its events runs at a time,
// and at most `concurrency` lanes run at once. Different users interleave freely.

export class LaneScheduler<T> {
  private readonly queues = new Map<string, T[]>()
  private readonly running = new Set<string>()
  private ready: string[] = []
  private active = 0
  private stopped = false
  /** Items pushed and not yet finished (queued or running). */
  pending = 0
  private waiters: Array<() => void> = []

  constructor(
    private readonly concurrency: number,
    private readonly work: (item: T) => Promise<void>
  ) {}

  push(key: string, item: T): void {
    let queue = this.queues.get(key)
    if (!queue) this.queues.set(key, (queue = []))
    queue.push(item)
    this.pending++
    if (queue.length === 1 && !this.running.has(key)) this.ready.push(key)
    this.pump()
  }

  /** Resolves when fewer than `limit` items are pending (read-ahead stays bounded, and so does memory). */
  async waitForRoom(limit: number): Promise<void> {
    while (this.pending >= limit && !this.stopped) await this.changed()
  }

  /** Resolves when nothing runs; after stop(), queued items stay queued (they are the unfinished ones). */
  async drain(): Promise<void> {
    while (this.active > 0 || (!this.stopped && this.pending > 0)) await this.changed()
  }

  /** Starts nothing new from now on. */
  stop(): void {
    this.stopped = true
    this.notify()
  }

  /** Items that never started or were abandoned: pending minus running. */
  get queued(): number {
    return this.pending - this.active
  }

  private pump(): void {
    while (!this.stopped && this.active < this.concurrency && this.ready.length > 0) {
      const key = this.ready.shift() as string
      const item = (this.queues.get(key) as T[]).shift() as T
      this.active++
      this.running.add(key)
      void this.run(key, item)
    }
  }

  private async run(key: string, item: T): Promise<void> {
    try {
      await this.work(item)
    } finally {
      this.active--
      this.pending--
      this.running.delete(key)
      const queue = this.queues.get(key) as T[]
      if (queue.length > 0) this.ready.push(key)
      else this.queues.delete(key)
      this.notify()
      this.pump()
    }
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  private notify(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }
}
