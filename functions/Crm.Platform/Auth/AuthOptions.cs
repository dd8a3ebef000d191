using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Crm.Platform.Auth;

/// <summary>Sign-in settings (section <c>Auth</c>). The signing key never has a default.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string SigningKey { get; set; } = "";
    public string Issuer { get; set; } = "crm";
    public string Audience { get; set; } = "crm-api";
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// PBKDF2 iterations of new password hashes (ASP.NET Core Identity's default). The API tests lower it,
    /// as hashing dominates their CPU time; a stored hash keeps its own count and is redone at sign-in when lower.
    /// </summary>
    public int PasswordHashIterations { get; set; } = 100_000;

    public SymmetricSecurityKey Key()
    {
        if (Encoding.UTF8.GetByteCount(SigningKey) < 32)
        {
            throw new InvalidOperationException("Auth:SigningKey must be set to at least 32 characters (the run command generates one locally).");
        }
        return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey));
    }
}
