using System.Security.Cryptography;
using System.Text;

namespace Crm.Domain.Webhooks;

/// <summary>
/// Standard Webhooks signing: <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "id.timestamp.body"&gt;</c> keyed with
/// the secret's bytes; a secret reads <c>whsec_&lt;base64&gt;</c>, the form the Standard Webhooks libraries take.
/// During a rotation both secrets sign, space-separated, so a receiver holding either verifies.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var signed = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    public static string Header(IEnumerable<string> secrets, string messageId, long timestamp, string body) =>
        string.Join(' ', secrets.Select(s => Sign(s, messageId, timestamp, body)));
}
