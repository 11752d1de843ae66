namespace WeaveOrleans.Ipam.Allocation;

public enum LogLevel { Debug, Info, Warning, Error }

/// <summary>Something the engine wants said in the host's log; the engine itself does no I/O.</summary>
public readonly record struct LogEvent(LogLevel Level, string Message);
