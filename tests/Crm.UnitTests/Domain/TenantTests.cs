using Crm.Domain.Tenants;

namespace Crm.UnitTests.Domain;

public sealed class TenantTests
{
    [Theory]
    [InlineData("acme")]
    [InlineData("abc")]
    [InlineData("acme-trading-2026")]
    [InlineData("0day")]
    [InlineData("a234567890123456789012345678901234567890")] // 40 characters
    public void AcceptsValidSlugs(string slug) => Assert.True(Tenant.IsValidSlug(slug));

    [Theory]
    [InlineData("")]
    [InlineData("ab")] // too short
    [InlineData("a2345678901234567890123456789012345678901")] // 41 characters
    [InlineData("-acme")]
    [InlineData("acme-")]
    [InlineData("Acme")]
    [InlineData("acme corp")]
    [InlineData("acme_corp")]
    [InlineData("acme.com")]
    [InlineData("ａｃｍｅ")]
    [InlineData("acme\n")] // a trailing line break is not part of a valid slug
    [InlineData("acme/x")]
    public void RejectsInvalidSlugs(string slug) => Assert.False(Tenant.IsValidSlug(slug));

    [Fact]
    public void UnknownTimeZoneFallsBackToUtc()
    {
        Assert.Equal(TimeZoneInfo.Utc, new Tenant { TimeZone = "Mars/Olympus" }.Zone);
        Assert.Equal(TimeSpan.FromHours(8), new Tenant().Zone.GetUtcOffset(DateTimeOffset.UtcNow));
    }
}
