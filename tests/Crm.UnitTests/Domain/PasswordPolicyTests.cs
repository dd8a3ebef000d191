using Crm.Domain.Common;
using Crm.Domain.Organisation;

namespace Crm.UnitTests.Domain;

public sealed class PasswordPolicyTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(20)]
    [InlineData(128)]
    public void AcceptsPasswordsOfAllowedLength(int length) =>
        PasswordPolicy.Validate("password", new string('x', length - 1) + "1", "admin");

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(129)]
    public void RejectsPasswordsTooShortOrTooLong(int length)
    {
        var e = Assert.Throws<ValidationException>(() => PasswordPolicy.Validate("newPassword", new string('x', length), "admin"));

        Assert.Equal("password.policy", e.Code);
        Assert.Equal(["newPassword"], e.Errors.Keys);
    }

    [Theory]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("Alice@Example.com", "alice@example.COM")]
    [InlineData(" alice@example.com ", "alice@example.com")]
    [InlineData("13800005678", " 13800005678")]
    public void RejectsPasswordEqualToLogin(string password, string login)
    {
        var e = Assert.Throws<ValidationException>(() => PasswordPolicy.Validate("password", password, login));

        Assert.Equal("password.policy", e.Code);
    }

    [Fact]
    public void AcceptsPasswordThatOnlyContainsTheLogin() =>
        PasswordPolicy.Validate("password", "admin-2026!", "admin-2026");
}
