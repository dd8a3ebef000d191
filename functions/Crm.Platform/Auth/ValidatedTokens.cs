using System.Collections.Concurrent;
using System.Security.Claims;

namespace Crm.Platform.Auth;

/// <summary>
/// The CRM's own access tokens this replica has already validated, by their exact text, until they expire.
/// A client sends the same token on every call for its 15 minutes; parsing it, checking its signature and
/// building its claims each time was the largest part of an authenticated read outside storage. The answer
/// cannot change while the token is unexpired: the signing key, issuer and audience are fixed for the
/// process, and what can change (a user disabled, roles, IP rules) is checked per request after this.
/// </summary>
public sealed class ValidatedTokens(TimeProvider clock)
{
    /// <summary>Enough for every client of a busy replica; past it, expired entries go, then everything.</summary>
    internal const int Capacity = 20_000;

    private readonly ConcurrentDictionary<string, Entry> _tokens = new(StringComparer.Ordinal);

    private sealed record Entry(ClaimsPrincipal Principal, DateTimeOffset Expires);

    /// <summary>The principal of a token validated before and not yet expired; the principal is shared, so never changed.</summary>
    public ClaimsPrincipal? Find(string token)
    {
        if (!_tokens.TryGetValue(token, out var entry))
        {
            return null;
        }
        if (entry.Expires > clock.GetUtcNow())
        {
            return entry.Principal;
        }
        _tokens.TryRemove(token, out _);
        return null;
    }

    public void Remember(string token, ClaimsPrincipal principal, DateTimeOffset expires)
    {
        if (expires <= clock.GetUtcNow())
        {
            return;
        }
        if (_tokens.Count >= Capacity)
        {
            var now = clock.GetUtcNow();
            foreach (var (key, entry) in _tokens)
            {
                if (entry.Expires <= now)
                {
                    _tokens.TryRemove(key, out _);
                }
            }
            if (_tokens.Count >= Capacity)
            {
                _tokens.Clear();
            }
        }
        _tokens[token] = new Entry(principal, expires);
    }
}
