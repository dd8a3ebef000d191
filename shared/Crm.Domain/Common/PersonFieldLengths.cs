namespace Crm.Domain.Common;

/// <summary>
/// How long the fields about a person and how to reach them may be, wherever a person is written: a contact, a lead,
/// a vendor's contact, and the phone and e-mail of a customer or vendor. One set, so a phone number or e-mail address
/// that one record takes is never refused by another.
/// </summary>
public static class PersonFieldLengths
{
    public const int Name = 100;
    public const int Title = 100;
    public const int Phone = 32;

    /// <summary>The longest address RFC 5321 lets through (a 254-character path).</summary>
    public const int Email = 254;
}
