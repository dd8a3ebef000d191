namespace Crm.Storage.Triggers;

/// <summary>
/// Which trigger loops run in this process. An <c>api</c> replica turns the listeners off; in Azure
/// the timers are off because Container Apps scheduled jobs call <c>run-job</c> instead.
/// </summary>
public sealed class TriggerOptions
{
    public const string Section = "Triggers";

    public TriggerSwitch Listeners { get; } = new();

    public TriggerSwitch Timers { get; } = new();
}

public sealed class TriggerSwitch
{
    public bool Enabled { get; set; } = true;
}
