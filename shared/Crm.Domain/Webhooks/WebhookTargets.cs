using System.Net;
using System.Net.Sockets;

namespace Crm.Domain.Webhooks;

/// <summary>
/// Where a webhook may be sent. Outside development only https, and never to an address inside a network
/// (private, loopback, link-local, unique-local, carrier-grade NAT, multicast, unspecified): a URL naming one
/// would let a tenant make the service call its own internals (SSRF). Names are resolved again at every delivery
/// and the connection goes to the address checked, so a name that later resolves inward is refused too.
/// </summary>
public static class WebhookTargets
{
    public const int MaxUrlLength = 2000;

    /// <summary>Why the URL cannot be a webhook target, or null. Names are not resolved here.</summary>
    public static string? Problem(string url, bool allowHttp, bool allowPrivate)
    {
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "Must be an absolute URL.";
        }
        if (uri.Scheme != Uri.UriSchemeHttps && !(allowHttp && uri.Scheme == Uri.UriSchemeHttp))
        {
            return allowHttp ? "Must be an http or https URL." : "Must be an https URL.";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "Must not carry a user name or password; authenticate deliveries by their signature.";
        }
        if (!string.IsNullOrEmpty(uri.Fragment))
        {
            return "Must not have a fragment.";
        }
        if (allowPrivate)
        {
            return null;
        }
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return IsPublic(IPAddress.Parse(uri.IdnHost.Trim('[', ']'))) ? null : "Must not point inside a private network.";
        }
        var host = uri.IdnHost.TrimEnd('.');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".internal", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".local", StringComparison.OrdinalIgnoreCase)
            || !host.Contains('.', StringComparison.Ordinal)
            ? "Must name a public host." : null;
    }

    /// <summary>Whether an address is on the public internet (what a production delivery may connect to).</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127
                || (b[0] == 100 && b[1] >= 64 && b[1] < 128) // carrier-grade NAT
                || (b[0] == 169 && b[1] == 254) // link-local, cloud metadata endpoints
                || (b[0] == 172 && b[1] >= 16 && b[1] < 32)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 198 && b[1] is 18 or 19) // benchmarking
                || b[0] >= 224); // multicast and reserved
        }
        var v6 = address.GetAddressBytes();
        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (v6[0] & 0xFE) == 0xFC // unique local fc00::/7
            || address.IsIPv6Teredo
            || (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xFF && v6[3] == 0x9B)); // NAT64, could reach private IPv4
    }
}
