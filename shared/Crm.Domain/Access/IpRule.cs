using System.Net;
using Crm.Domain.Common;

namespace Crm.Domain.Access;

public enum IpRuleKind
{
    Allow,
    Block,
}

/// <summary>One CIDR of a tenant's allow- or block-list (IPv4 or IPv6).</summary>
public sealed record IpRule : RecordBase
{
    public string Cidr { get; init; } = "";
    public IpRuleKind Kind { get; init; }
    public string? Description { get; init; }

    public bool Matches(IPAddress address) => IPNetwork.TryParse(Cidr, out var network) && network.Contains(IpRuleSet.Normalize(address, network));
}

/// <summary>
/// How a tenant's rules judge an address: a matching block rule refuses it; when any allow rule
/// exists, only addresses matching one pass. Block wins over allow.
/// </summary>
public static class IpRuleSet
{
    public static bool Allows(IReadOnlyCollection<IpRule> rules, IPAddress? address)
    {
        if (rules.Count == 0)
        {
            return true;
        }
        if (address is null)
        {
            // An unknown address (an in-process call) cannot be proven to be on an allow-list.
            return !rules.Any(r => r.Kind == IpRuleKind.Allow);
        }
        if (rules.Any(r => r.Kind == IpRuleKind.Block && r.Matches(address)))
        {
            return false;
        }
        var allows = rules.Where(r => r.Kind == IpRuleKind.Allow).ToList();
        return allows.Count == 0 || allows.Any(r => r.Matches(address));
    }

    /// <summary>The canonical form of a CIDR ("10.1.2.3/8" becomes "10.0.0.0/8"), or a validation error.</summary>
    public static string NormalizeCidr(string cidr)
    {
        var text = cidr.Trim();
        if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var single))
        {
            text = $"{single}/{(single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32)}";
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        // IPAddress.TryParse also reads legacy forms ("1.2.3" is 1.2.0.3); a rule must say what it means.
        if (slash <= 0 || !IPAddress.TryParse(text[..slash], out var address) || !int.TryParse(text[(slash + 1)..], out var prefix)
            || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && text[..slash].Count(c => c == '.') != 3)
            || prefix < 0 || prefix > (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32))
        {
            throw new ValidationException("cidr", "Give an IPv4 or IPv6 address or network in CIDR form, e.g. 203.0.113.0/24 or 2001:db8::/32.");
        }
        return new IPNetwork(Mask(address, prefix), prefix).ToString();
    }

    /// <summary>IPv4 addresses seen over IPv6 (::ffff:a.b.c.d) are compared as the IPv4 address they are.</summary>
    internal static IPAddress Normalize(IPAddress address, IPNetwork network) =>
        address.IsIPv4MappedToIPv6 && network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? address.MapToIPv4() : address;

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes);
    }
}
