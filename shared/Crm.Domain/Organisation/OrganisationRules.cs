using System.Net.Mail;
using System.Text.RegularExpressions;
using Crm.Domain.Common;

namespace Crm.Domain.Organisation;

/// <summary>The rules of the organisation tree that no storage detail should hide.</summary>
public static partial class OrganisationRules
{
    /// <summary>Far deeper than any real org chart; stops a corrupted chain from looping forever.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Walks up from the proposed superior: if the chain reaches the user, the change would make
    /// someone their own (indirect) superior.
    /// </summary>
    public static async Task EnsureNoSuperiorCycleAsync(string userId, string? newSuperiorId, Func<string, Task<string?>> superiorOf)
    {
        if (newSuperiorId is null)
        {
            return;
        }
        var current = newSuperiorId;
        for (var depth = 0; current is not null; depth++)
        {
            if (current == userId)
            {
                throw new ConflictException("user.superior_cycle", "A user cannot report, directly or indirectly, to themselves.");
            }
            if (depth >= MaxDepth)
            {
                throw new ConflictException("user.superior_chain_too_deep", $"A superior chain may not be deeper than {MaxDepth}.");
            }
            current = await superiorOf(current).ConfigureAwait(false);
        }
    }

    /// <summary>A login is a mobile number, an e-mail address, or a plain user name such as "admin".</summary>
    public static bool IsValidLogin(string login) => IsValidEmail(login) || IsValidPhone(login) || UserNamePattern().IsMatch(login);

    public static bool IsValidEmail(string value) =>
        value.Length <= 254 && MailAddress.TryCreate(value, out var address) && address.Address == value && value.Contains('.', StringComparison.Ordinal);

    public static bool IsValidPhone(string value) => PhonePattern().IsMatch(value);

    /// <summary>Logins compare without case or surrounding space, and phones by their digits.</summary>
    public static string NormalizeLogin(string login) =>
        IsValidPhone(login.Trim()) ? TextNormalizer.Digits(login) : TextNormalizer.Normalize(login);

    // \z, not $: "$" also matches before a final line break, which would let "admin\n" through.
    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9._-]{2,63}\z")]
    private static partial Regex UserNamePattern();

    [GeneratedRegex(@"^\+?[0-9][0-9 \-]{5,19}\z")]
    private static partial Regex PhonePattern();
}
