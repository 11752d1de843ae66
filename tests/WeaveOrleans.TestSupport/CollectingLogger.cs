using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WeaveOrleans.TestSupport;

/// <summary>Keeps what was logged, so a test can check that something was (or was not) reported, and at which level.</summary>
public class CollectingLogger : ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Entries => _entries.ToArray();

    /// <summary>Each entry as "Level: message".</summary>
    public IEnumerable<string> Lines => Entries.Select(e => $"{e.Level}: {e.Message}");

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((logLevel, formatter(state, exception)));
}

/// <summary>A <see cref="CollectingLogger"/> for a class that takes an <see cref="ILogger{T}"/>.</summary>
public sealed class CollectingLogger<T> : CollectingLogger, ILogger<T>;
