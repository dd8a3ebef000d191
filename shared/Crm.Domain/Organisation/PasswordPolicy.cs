using Crm.Domain.Common;

namespace Crm.Domain.Organisation;

/// <summary>The minimum a password must meet (the access-control issue makes it per tenant).</summary>
public static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    public static void Validate(string field, string password, string login)
    {
        if (password.Length < MinLength || password.Length > MaxLength)
        {
            throw new ValidationException(field, $"The password must have {MinLength} to {MaxLength} characters.", "password.policy");
        }
        if (string.Equals(password.Trim(), login.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            throw new ValidationException(field, "The password may not equal the login.", "password.policy");
        }
    }
}
