using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.TestSupport;

/// <summary>Addresses and ranges written as text, for tests that build rings and free lists by hand.</summary>
public static class TestAddresses
{
    public static Address A(string text) => Address.Parse(text);

    /// <summary>[start, end) as two addresses.</summary>
    public static AddressRange R(string start, string endExclusive) => new(A(start), A(endExclusive));

    /// <summary>The whole block of a CIDR.</summary>
    public static AddressRange C(string cidr) => Cidr.Parse(cidr).Range;
}
