namespace EventPipeline.StepFunctions.Local.Tests.Support;

/// <summary>A fact that needs <c>moto_server</c>; skipped, saying so, when it is not on PATH.</summary>
public sealed class MotoFactAttribute : FactAttribute
{
    public MotoFactAttribute()
    {
        if (MotoServer.Executable is null)
        {
            Skip = "moto_server is not on PATH (pip install 'moto[server]==5.2.1')";
        }
    }
}
