namespace WeaveOrleans.Ipam.Addresses;

/// <summary>Text that does not describe a valid address, subnet or peer name; the message names the problem.</summary>
public sealed class IpamFormatException(string message) : FormatException(message);
