namespace WeaveOrleans.Network;

/// <summary>A network set-up step failed; the message says which and why.</summary>
public sealed class NetworkAttachException(string message, Exception? inner = null) : Exception(message, inner);
