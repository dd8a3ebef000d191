namespace Crm.Domain.Tenants;

/// <summary>
/// A tenant's sign-in rules: the password policy and the lockout after repeated failed sign-ins.
/// The defaults are the rules every tenant had before they were configurable.
/// </summary>
public sealed record SecuritySettings : ITenantSettings
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;

    public static SecuritySettings Default { get; } = new();

    public int PasswordMinLength { get; init; } = MinPasswordLength;

    /// <summary>Off by default: until passwords were configurable, only length and "not the login" counted.</summary>
    public bool PasswordRequiresLetterAndDigit { get; init; }

    /// <summary>Failed sign-ins of one user within <see cref="LockoutWindowMinutes"/> that lock them.</summary>
    public int LockoutThreshold { get; init; } = 5;
    public int LockoutWindowMinutes { get; init; } = 15;
    public int LockoutMinutes { get; init; } = 15;

    /// <summary>The fields out of range, with why (empty when the settings are valid).</summary>
    public IDictionary<string, string[]> Problems()
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Check(problems, "passwordMinLength", PasswordMinLength, MinPasswordLength, MaxPasswordLength);
        Check(problems, "lockoutThreshold", LockoutThreshold, 1, 100);
        Check(problems, "lockoutWindowMinutes", LockoutWindowMinutes, 1, 1440);
        Check(problems, "lockoutMinutes", LockoutMinutes, 1, 1440);
        return problems;
    }

    private static void Check(Dictionary<string, string[]> problems, string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            problems[field] = [$"Must be between {min} and {max}."];
        }
    }
}
