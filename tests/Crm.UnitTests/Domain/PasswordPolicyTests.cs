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

public sealed class TenantPasswordPolicyTests
{
    [Fact]
    public void TenantMinimumLengthApplies()
    {
        var policy = new Crm.Domain.Tenants.SecuritySettings { PasswordMinLength = 12 };

        Assert.Equal("password.policy", Assert.Throws<ValidationException>(() => PasswordPolicy.Validate("password", "Eleven-ch-1", "admin", policy)).Code);
        PasswordPolicy.Validate("password", "Twelve-chr-1", "admin", policy);
    }

    [Theory]
    [InlineData("only-letters-here")]
    [InlineData("1234567890")]
    public void LetterAndDigitRuleNeedsBoth(string password)
    {
        var policy = new Crm.Domain.Tenants.SecuritySettings { PasswordRequiresLetterAndDigit = true };

        Assert.Throws<ValidationException>(() => PasswordPolicy.Validate("password", password, "admin", policy));
        PasswordPolicy.Validate("password", password, "admin");
    }

    [Fact]
    public void DefaultsAreTheRulesBeforeTenantsCouldChangeThem()
    {
        var defaults = Crm.Domain.Tenants.SecuritySettings.Default;

        Assert.Equal(8, defaults.PasswordMinLength);
        Assert.False(defaults.PasswordRequiresLetterAndDigit);
        Assert.Equal((5, 15, 15), (defaults.LockoutThreshold, defaults.LockoutWindowMinutes, defaults.LockoutMinutes));
        Assert.Empty(defaults.Problems());
    }

    [Fact]
    public void SettingsOutOfRangeAreNamed()
    {
        var problems = new Crm.Domain.Tenants.SecuritySettings { PasswordMinLength = 7, LockoutThreshold = 0, LockoutWindowMinutes = 2000, LockoutMinutes = 0 }.Problems();

        Assert.Equal(["passwordMinLength", "lockoutThreshold", "lockoutWindowMinutes", "lockoutMinutes"], problems.Keys);
    }
}
