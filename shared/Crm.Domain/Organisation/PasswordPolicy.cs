using Crm.Domain.Common;
using Crm.Domain.Tenants;

namespace Crm.Domain.Organisation;

/// <summary>What a password must meet: the tenant's policy, and never the login itself.</summary>
public static class PasswordPolicy
{
    public const int MinLength = SecuritySettings.MinPasswordLength;
    public const int MaxLength = SecuritySettings.MaxPasswordLength;

    public static void Validate(string field, string password, string login) => Validate(field, password, login, SecuritySettings.Default);

    public static void Validate(string field, string password, string login, SecuritySettings policy)
    {
        var min = Math.Clamp(policy.PasswordMinLength, MinLength, MaxLength);
        if (password.Length < min || password.Length > MaxLength)
        {
            throw new ValidationException(field, $"The password must have {min} to {MaxLength} characters.", "password.policy");
        }
        if (policy.PasswordRequiresLetterAndDigit && !(password.Any(char.IsLetter) && password.Any(char.IsDigit)))
        {
            throw new ValidationException(field, "The password must contain at least one letter and one digit.", "password.policy");
        }
        if (string.Equals(password.Trim(), login.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            throw new ValidationException(field, "The password may not equal the login.", "password.policy");
        }
    }
}
