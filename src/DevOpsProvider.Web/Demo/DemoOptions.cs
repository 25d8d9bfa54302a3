namespace DevOpsProvider.Web.Demo;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Demo:Enabled: in Development (the default there) the first run shows the whole product working.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Where the in-process Jira emulator listens. A fixed port lets a restarted demo replace its old site.</summary>
    public string EmulatorUrl { get; set; } = "http://127.0.0.1:5081";
}
