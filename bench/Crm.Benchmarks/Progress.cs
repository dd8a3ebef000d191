namespace Crm.Benchmarks;

/// <summary>Progress lines go to standard error, so standard output holds only the report.</summary>
internal static class Progress
{
    private static readonly DateTime Started = DateTime.UtcNow;

    public static void Say(string message) => Console.Error.WriteLine($"[{(DateTime.UtcNow - Started).TotalSeconds,6:F1} s] {message}");
}
