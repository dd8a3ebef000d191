using System.Security.Claims;
using Crm.Platform.Auth;

namespace Crm.ApiTests.Credentials;

/// <summary>The replica's memory of validated access tokens: exact text only, never past expiry, bounded.</summary>
public sealed class ValidatedTokensTests
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset Start = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    private static ClaimsPrincipal Principal(string subject) => new(new ClaimsIdentity([new Claim("sub", subject)], "test"));

    [Fact]
    public void ATokenIsKnownByItsExactTextUntilItExpires()
    {
        var clock = new Clock(Start);
        var tokens = new ValidatedTokens(clock);
        var principal = Principal("u1");
        tokens.Remember("a.b.c", principal, Start.AddMinutes(15));

        Assert.Same(principal, tokens.Find("a.b.c"));
        Assert.Null(tokens.Find("a.b.C"));
        Assert.Null(tokens.Find("a.b.c "));

        clock.Now = Start.AddMinutes(15).AddTicks(-1);
        Assert.Same(principal, tokens.Find("a.b.c"));
        clock.Now = Start.AddMinutes(15);
        Assert.Null(tokens.Find("a.b.c"));
        // Forgotten, not merely hidden: turning the clock back does not bring it back.
        clock.Now = Start;
        Assert.Null(tokens.Find("a.b.c"));
    }

    [Fact]
    public void AnExpiredOrUndatedTokenIsNotRemembered()
    {
        var tokens = new ValidatedTokens(new Clock(Start));
        tokens.Remember("expired", Principal("u1"), Start);
        // A token without "exp" reads as DateTime.MinValue.
        tokens.Remember("undated", Principal("u1"), new DateTimeOffset(DateTime.MinValue, TimeSpan.Zero));
        Assert.Null(tokens.Find("expired"));
        Assert.Null(tokens.Find("undated"));
    }

    [Fact]
    public void AtCapacityExpiredTokensGoFirstThenEverything()
    {
        var clock = new Clock(Start);
        var tokens = new ValidatedTokens(clock);
        for (var i = 0; i < ValidatedTokens.Capacity - 1; i++)
        {
            tokens.Remember($"short{i}", Principal("u"), Start.AddMinutes(1));
        }
        tokens.Remember("long", Principal("u"), Start.AddMinutes(30));

        clock.Now = Start.AddMinutes(2);
        tokens.Remember("new", Principal("u"), Start.AddMinutes(20));
        Assert.NotNull(tokens.Find("long"));
        Assert.NotNull(tokens.Find("new"));

        // Full of live tokens: the memory starts again rather than grow.
        for (var i = 0; i < ValidatedTokens.Capacity; i++)
        {
            tokens.Remember($"live{i}", Principal("u"), Start.AddMinutes(20));
        }
        Assert.Null(tokens.Find("long"));
        Assert.NotNull(tokens.Find($"live{ValidatedTokens.Capacity - 1}"));
    }
}
