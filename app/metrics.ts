/** Counters and gauges of the App, in the Prometheus text format for /metrics. */
export class AppMetrics {
  private readonly counters = new Map<string, { help: string; value: number }>();
  private readonly gauges = new Map<string, { help: string; read: () => number }>();

  counter(name: string, help: string): () => void {
    const entry = { help, value: 0 };
    this.counters.set(name, entry);
    return () => {
      entry.value++;
    };
  }

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, { help, read });
  }

  value(name: string): number | undefined {
    return this.counters.get(name)?.value ?? this.gauges.get(name)?.read();
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, { help, value }] of this.counters) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`);
    }
    for (const [name, { help, read }] of this.gauges) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${read()}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
